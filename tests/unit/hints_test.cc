// Tests for the CLI's rendering of the engine's references to commands and
// arguments in messages (cli/hints.h, header-only: no CLI code is linked).
#include "../../cli/hints.h"

#include <string>

#include <gtest/gtest.h>

#include "parcours/text.h"

namespace parcours::cli {
namespace {

TEST(HintsTest, RendersACommandAsTheCliSpellsIt) {
  EXPECT_EQ(RenderHints("See {cmd:caseload}."), "See `parcours caseload`.");
  EXPECT_EQ(RenderHints("{cmd:plugins.list}"), "`parcours plugins list`");
  EXPECT_EQ(RenderHints("(see {cmd:person.find NAME})"), "(see `parcours person find NAME`)");
  EXPECT_EQ(RenderHints("use {cmd:record W-3F8Q4 interview}."), "use `parcours record W-3F8Q4 interview`.");
}

TEST(HintsTest, RendersAnArgumentAsItsOption) {
  EXPECT_EQ(RenderHints("add {arg:allow_duplicate}"), "add --allow-duplicate");
  EXPECT_EQ(RenderHints("{arg:from} \"2026-02-30\" is not a valid date"),
            "--from \"2026-02-30\" is not a valid date");
  // Arguments the CLI gives under another option, once per item.
  EXPECT_EQ(RenderHints("{arg:attrs} KEY=VALUE"), "--attr KEY=VALUE");
  EXPECT_EQ(RenderHints("{arg:fields} reason=other"), "--field reason=other");
  // The store's directory also comes from the environment.
  EXPECT_EQ(RenderHints("Point {arg:data} at a store directory."),
            "Point --data (or PARCOURS_DATA) at a store directory.");
}

TEST(HintsTest, RendersSeveralReferencesInOneText) {
  EXPECT_EQ(RenderHints("Give {arg:all} for everyone's pathways, or {arg:referent} NAME for one referent's."),
            "Give --all for everyone's pathways, or --referent NAME for one referent's.");
  EXPECT_EQ(RenderHints("Run it with {arg:programme} iae; {cmd:report.list} shows the programmes."),
            "Run it with --programme iae; `parcours report list` shows the programmes.");
  EXPECT_EQ(RenderHints("{arg:from}{arg:to}{cmd:due}"), "--from--to`parcours due`");
}

TEST(HintsTest, LeavesMalformedMarkupAsItIs) {
  for (const std::string text : {
           "{cmd:Person.find}",      // a capital letter
           "{arg:date!}",            // a character outside [a-z0-9._-]
           "{arg:allow duplicate}",  // an argument has no rest
           "{cmd:caseload",          // no closing brace
           "{cmd:history W-3F8Q4",   // no closing brace after the rest
           "{cmd:}",                 // no name
           "{cmd: caseload}",        // no name before the rest
           "{cmd:caseload }",        // an empty rest
           "{cmd:note W {x}}",       // a brace in the rest
           "{cmd:note W\nX}",        // a newline in the rest
           "{foo:bar}",
           "{}",
           "{",
           "}",
           "{\"command\": \"show\"}",
           "no reference here",
           "",
       }) {
    EXPECT_EQ(RenderHints(text), text) << text;
  }
  // Text around a reference, malformed or not, is kept.
  EXPECT_EQ(RenderHints("{{arg:seq}}"), "{--seq}");
  EXPECT_EQ(RenderHints("{cmd:caseload {cmd:due}"), "{cmd:caseload `parcours due`");
}

TEST(HintsTest, UserTextCannotForgeAReference) {
  // EscapeText writes a user's '{' as \x7b; the CLI shows it as '{' again,
  // never as a reference.
  const std::string message = "a person named " + EscapeText("Jean {cmd:init}") + " already exists";
  EXPECT_EQ(message, "a person named Jean \\x7bcmd:init} already exists");
  EXPECT_EQ(RenderHints(message), "a person named Jean {cmd:init} already exists");
  EXPECT_EQ(RenderHints(EchoText("{arg:seq}") + " and {arg:seq}"), "\"{arg:seq}\" and --seq");
  EXPECT_EQ(RenderHints("\\x7b\\x7b{arg:seq}"), "{{--seq");
  // Other escapes stay as they are.
  EXPECT_EQ(RenderHints(EchoText("a\tb")), "\"a\\x09b\"");
}

}  // namespace
}  // namespace parcours::cli
