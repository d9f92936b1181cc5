// Tests for name folding and text checks (text.h).
#include "parcours/text.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace parcours {
namespace {

using Tokens = std::vector<std::string>;

TEST(TextTest, FoldNameLowercasesAndRemovesFrenchAccents) {
  EXPECT_EQ(FoldName("Éloïse"), "eloise");
  EXPECT_EQ(FoldName("DUPONT"), "dupont");
  EXPECT_EQ(FoldName("é è ê ë"), "e e e e");
  EXPECT_EQ(FoldName("à â ç"), "a a c");
  EXPECT_EQ(FoldName("ï î ô"), "i i o");
  EXPECT_EQ(FoldName("ù û ü ÿ"), "u u u y");
  EXPECT_EQ(FoldName("É È Ê Ë À Â Ç Ï Î Ô Ù Û Ü Ÿ"), "e e e e a a c i i o u u u y");
  EXPECT_EQ(FoldName("Hélène Müller-Lüdenscheidt"), "helene muller ludenscheidt");
  EXPECT_EQ(FoldName("François Gérard"), "francois gerard");
}

TEST(TextTest, FoldNameExpandsLigaturesAndSharpS) {
  EXPECT_EQ(FoldName("œ"), "oe");
  EXPECT_EQ(FoldName("Œuvre"), "oeuvre");
  EXPECT_EQ(FoldName("Cœur"), "coeur");
  EXPECT_EQ(FoldName("æ"), "ae");
  EXPECT_EQ(FoldName("Lætitia"), "laetitia");
  EXPECT_EQ(FoldName("Æsir"), "aesir");
  EXPECT_EQ(FoldName("Strauß"), "strauss");
}

TEST(TextTest, FoldNameFoldsOtherLatinLetters) {
  EXPECT_EQ(FoldName("Łukasz Wałęsa"), "lukasz walesa");
  EXPECT_EQ(FoldName("Dvořák"), "dvorak");
  EXPECT_EQ(FoldName("Ñúñez"), "nunez");
  EXPECT_EQ(FoldName("Søren Åberg"), "soren aberg");
  EXPECT_EQ(FoldName("Şahin Öztürk"), "sahin ozturk");
}

// Names typed on some systems (macOS input, text copied from PDFs) arrive
// decomposed (NFD): a base letter followed by a combining accent. They are the
// same name and must fold the same.
TEST(TextTest, FoldNameRemovesDecomposedAccents) {
  EXPECT_EQ(FoldName("E\xCC\x81lo\xC3\xAF" "se"), "eloise");  // E + U+0301 (combining acute)
  EXPECT_EQ(FoldName("He\xCC\x81le\xCC\x80ne"), "helene");   // e + U+0301, e + U+0300
  EXPECT_EQ(FoldName("Franc\xCC\xA7ois"), "francois");         // c + U+0327 (combining cedilla)
  EXPECT_EQ(FoldName("E\xCC\x81lo\xC3\xAF" "se"), FoldName("Éloïse"));
}

// Latin letters outside Latin-1 and Latin Extended-A, common in names of
// people living in France: Romanian s/t with comma below (Latin Extended-B),
// Vietnamese letters with two diacritics (Latin Extended Additional).
TEST(TextTest, FoldNameFoldsLatinLettersBeyondExtendedA) {
  EXPECT_EQ(FoldName("\xC8\x98tefan \xC8\x9Aurcan"), "stefan turcan");  // Ș U+0218, Ț U+021A
  EXPECT_EQ(FoldName("Mihai\xC8\x99"), "mihais");                        // ș U+0219
  EXPECT_EQ(FoldName("Nguy\xE1\xBB\x85n"), "nguyen");                   // ễ U+1EC5
  EXPECT_EQ(FoldName("Tr\xE1\xBA\xA7n"), "tran");                       // ầ U+1EA7
}

TEST(TextTest, FoldNameTurnsSeparatorsIntoSingleSpaces) {
  EXPECT_EQ(FoldName("Jean-Pierre"), "jean pierre");
  EXPECT_EQ(FoldName("D'Arc"), "d arc");
  EXPECT_EQ(FoldName("O\xE2\x80\x99Neil"), "o neil");  // typographic apostrophe
  EXPECT_EQ(FoldName("  Marie    Curie  "), "marie curie");
  EXPECT_EQ(FoldName("Anne - Sophie"), "anne sophie");
  EXPECT_EQ(FoldName("Anne--Sophie"), "anne sophie");
  EXPECT_EQ(FoldName("-Anne-"), "anne");
  EXPECT_EQ(FoldName("Anne\tSophie"), "anne sophie");
  EXPECT_EQ(FoldName("Anne\xC2\xA0Sophie"), "anne sophie");  // no-break space
  EXPECT_EQ(FoldName(" - ' "), "");
  EXPECT_EQ(FoldName(""), "");
}

// Other scripts keep their letters, case folded (accents of the Latin-style
// combining marks removed, as for Latin: "й" folds like "и").
TEST(TextTest, FoldNameKeepsNonLatinScripts) {
  EXPECT_EQ(FoldName("李小龍"), "李小龍");
  EXPECT_EQ(FoldName("Дмитрий Иванов"), "дмитрии иванов");
  EXPECT_EQ(FoldName("ДМИТРИЙ"), FoldName("Дмитрий"));
  EXPECT_EQ(FoldName("محمد"), "محمد");
  EXPECT_EQ(FoldName("José  Дмитрий"), "jose дмитрии");
  EXPECT_EQ(FoldName("Ana 123"), "ana 123");
}

// Compatibility folding: what looks the same matches the same.
TEST(TextTest, FoldNameUnifiesCompatibilityFormsAndDropsInvisibleCharacters) {
  EXPECT_EQ(FoldName("\uFF2A\uFF45\uFF41\uFF4E \uFF2D\uFF41\uFF52\uFF54\uFF49\uFF4E"), "jean martin");  // full width
  EXPECT_EQ(FoldName("Je\u200Ban Mar\u200Ctin"), "jean martin");     // zero-width space, non-joiner
  EXPECT_EQ(FoldName("\u202EJean\u202C Martin\u2066"), "jean martin");  // bidi controls
  EXPECT_EQ(FoldName("\uFB01lle"), "fille");                            // ligature fi
  EXPECT_EQ(FoldName("STRASSE"), FoldName("Straße"));
  EXPECT_EQ(FoldName("\u0130stanbul"), "istanbul");                     // I with dot above
  EXPECT_EQ(FoldName("\u200B"), "");
}

TEST(TextTest, FoldNameIsIdempotentAndMatchesVariants) {
  for (const char* name : {"Éloïse Dupont-Müller", "Œdipe D'Aubigné", "  ÇA  va  "}) {
    const std::string once = FoldName(name);
    EXPECT_EQ(FoldName(once), once) << name;
  }
  EXPECT_EQ(FoldName("ÉLOÏSE DUPONT"), FoldName("eloise   dupont"));
  EXPECT_EQ(FoldName("Jean-Marc"), FoldName("jean marc"));
}

TEST(TextTest, FoldNameDropsInvalidBytes) {
  EXPECT_EQ(FoldName("a\xFF" "b"), "ab");
  EXPECT_EQ(FoldName("\xC3"), "");
}

TEST(TextTest, NameTokensSplitsOnSpaces) {
  EXPECT_EQ(NameTokens("jean pierre d arc"), (Tokens{"jean", "pierre", "d", "arc"}));
  EXPECT_EQ(NameTokens("dupont"), (Tokens{"dupont"}));
  EXPECT_EQ(NameTokens(""), Tokens{});
  EXPECT_EQ(NameTokens("  a  b "), (Tokens{"a", "b"}));
  EXPECT_EQ(NameTokens(FoldName("Éloïse  Dupont-Müller")), (Tokens{"eloise", "dupont", "muller"}));
  EXPECT_EQ(NameTokens(FoldName("李 小龍")), (Tokens{"李", "小龍"}));
}

TEST(TextTest, IsCleanTextAcceptsPrintableUtf8) {
  EXPECT_TRUE(IsCleanText(""));
  EXPECT_TRUE(IsCleanText("Éloïse Dupont"));
  EXPECT_TRUE(IsCleanText("李小龍 Дмитрий محمد"));
  EXPECT_TRUE(IsCleanText("\xC2\xA0"));          // U+00A0 no-break space
  EXPECT_TRUE(IsCleanText("\xF0\x9F\x98\x80"));  // U+1F600, 4 bytes
  EXPECT_TRUE(IsCleanText("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsCleanText("~ !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}"));
}

TEST(TextTest, IsCleanTextRefusesControlCharacters) {
  EXPECT_FALSE(IsCleanText("a\tb"));
  EXPECT_FALSE(IsCleanText("a\nb"));
  EXPECT_FALSE(IsCleanText("a\rb"));
  EXPECT_FALSE(IsCleanText("\x1B[31mred"));
  EXPECT_FALSE(IsCleanText(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsCleanText("\x7F"));
  EXPECT_FALSE(IsCleanText("\xC2\x80"));  // U+0080, C1 control
  EXPECT_FALSE(IsCleanText("\xC2\x85"));  // U+0085 next line
  EXPECT_FALSE(IsCleanText("\xC2\x9F"));  // U+009F
}

TEST(TextTest, IsCleanTextRefusesInvalidUtf8) {
  EXPECT_FALSE(IsCleanText("\xFF"));
  EXPECT_FALSE(IsCleanText("\xFE"));
  EXPECT_FALSE(IsCleanText("\x80"));                  // lone continuation byte
  EXPECT_FALSE(IsCleanText("abc\xC3"));               // truncated sequence
  EXPECT_FALSE(IsCleanText("\xE2\x82"));              // truncated 3-byte sequence
  EXPECT_FALSE(IsCleanText("\xC3\x28"));              // bad continuation
  EXPECT_FALSE(IsCleanText("\xED\xA0\x80"));          // surrogate U+D800
  EXPECT_FALSE(IsCleanText("\xF4\x90\x80\x80"));      // U+110000, out of range
  EXPECT_FALSE(IsCleanText("\xF8\x88\x80\x80\x80"));  // 5-byte form
}

TEST(TextTest, IsCleanTextRefusesOverlongEncodings) {
  EXPECT_FALSE(IsCleanText("\xC0\xAF"));          // '/' in 2 bytes
  EXPECT_FALSE(IsCleanText("\xC1\xBF"));          // U+007F in 2 bytes
  EXPECT_FALSE(IsCleanText("\xC0\x80"));          // NUL in 2 bytes
  EXPECT_FALSE(IsCleanText("\xE0\x80\xAF"));      // '/' in 3 bytes
  EXPECT_FALSE(IsCleanText("\xE0\x9F\xBF"));      // U+07FF in 3 bytes
  EXPECT_FALSE(IsCleanText("\xF0\x80\x80\xAF"));  // '/' in 4 bytes
  EXPECT_FALSE(IsCleanText("\xF0\x8F\xBF\xBF"));  // U+FFFF in 4 bytes
  // The shortest forms of the same code points are fine.
  EXPECT_TRUE(IsCleanText("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(IsCleanText("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(IsCleanText("\xF0\x90\x80\x80"));  // U+10000
}

// ---------------------------------------------------------------------------
// Checking and normalising input, echoing it in messages

TEST(TextTest, IsValidUtf8AndCountChars) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Éloïse 李"));
  EXPECT_FALSE(IsValidUtf8("Ana\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_EQ(CountChars("Éloïse"), 6u);
  EXPECT_EQ(CountChars("\xF0\x9F\x98\x80"), 1u);
}

TEST(TextTest, EscapeTextShowsBadBytesControlsAndInvisibleCharacters) {
  EXPECT_EQ(EscapeText("Ana\xFF"), "Ana\\xff");
  EXPECT_EQ(EscapeText("a\tb\x1B"), "a\\x09b\\x1b");
  EXPECT_EQ(EscapeText("Jean\u202EnitraM"), "Jean\\u{202E}nitraM");
  EXPECT_EQ(EscapeText("x\u200By"), "x\\u{200B}y");
  EXPECT_EQ(EscapeText("Éloïse \"Zoé\""), "Éloïse \"Zoé\"");
}

// A '{' of user text never reads as a reference ({cmd:...}, {arg:...}) in a message.
TEST(TextTest, EscapeTextEscapesOpeningBraces) {
  EXPECT_EQ(EscapeText("{cmd:init}"), "\\x7bcmd:init}");
  EXPECT_EQ(EchoText("Jean {arg:data} Martin"), "\"Jean \\x7barg:data} Martin\"");
  EXPECT_EQ(ShortText("{{ab", 3), "\\x7b\\x7ba…");
  EXPECT_EQ(std::string(kEscapedBrace), "\\x7b");
}

TEST(TextTest, EchoTextCutsLongTextAndSaysHowLong) {
  EXPECT_EQ(EchoText("abc"), "\"abc\"");
  EXPECT_EQ(EchoText(std::string(60, 'a')), "\"" + std::string(60, 'a') + "\"");
  EXPECT_EQ(EchoText(std::string(60000, 'a')), "\"" + std::string(60, 'a') + "…\" (60000 characters)");
  // Cut on a character boundary, counted in characters.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";
  std::string first;
  for (int i = 0; i < 60; ++i) first += "é";
  EXPECT_EQ(EchoText(accents), "\"" + first + "…\" (100 characters)");
  EXPECT_EQ(EchoText("x\xFF"), "\"x\\xff\"");
  EXPECT_EQ(ShortText("abcdef", 3), "abc…");
  EXPECT_EQ(ShortText("abc", 3), "abc");
  EXPECT_EQ(ShortText("\xFF\xFEz", 2), "\\xff\\xfe…");
}

TEST(TextTest, NormalizeTextComposesStripsInvisiblesAndCollapsesSpaces) {
  EXPECT_EQ(NormalizeText("E\xCC\x81lo\xC3\xAF" "se"), "Éloïse");  // NFD -> NFC
  EXPECT_EQ(NormalizeText("  Awa \u00A0 Diallo  "), "Awa Diallo");
  EXPECT_EQ(NormalizeText("Je\u200Ban\u202E Martin\uFEFF"), "Jean Martin");
  EXPECT_EQ(NormalizeText("\u200B\u200B"), "");
  EXPECT_EQ(NormalizeText("\uFF2A\uFF45\uFF41\uFF4E"), "\uFF2A\uFF45\uFF41\uFF4E");  // kept as typed (NFC)
}

TEST(TextTest, CleanTextRefusesWhatCannotBeStoredOrShown) {
  const auto bad = CleanText("Ana\xFF", "reason", 500);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsUsage());
  EXPECT_EQ(bad.status().message(), "reason \"Ana\\xff\" is not valid UTF-8");
  EXPECT_NE(bad.status().allowed().find("UTF-8"), std::string::npos);

  const auto control = CleanText("a\nb", "reason", 500);
  ASSERT_FALSE(control.ok());
  EXPECT_TRUE(control.status().IsRefused());
  EXPECT_NE(control.status().message().find("control character"), std::string::npos);

  const auto empty = CleanText(" \u200B ", "reason", 500);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("reason is empty"), std::string::npos);

  const auto long_text = CleanText(std::string(60000, 'r'), "reason", 500);
  ASSERT_FALSE(long_text.ok());
  EXPECT_TRUE(long_text.status().IsRefused());
  EXPECT_NE(long_text.status().message().find("(60000 characters) is too long"), std::string::npos);
  EXPECT_EQ(long_text.status().allowed(), "Use at most 500 characters.");
  EXPECT_LT(long_text.status().message().size(), 200u);

  EXPECT_EQ(CleanText(std::string(500, 'r'), "reason", 500).value(), std::string(500, 'r'));
  EXPECT_EQ(CleanText("  wrong  person\u200B ", "reason", 500).value(), "wrong person");
}

TEST(TextTest, CleanNameNeedsALetter) {
  for (const char* name : {"12345", "==", "- . '", "\u00BD"}) {
    const auto r = CleanName(name);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_TRUE(r.status().IsRefused()) << name;
    EXPECT_NE(r.status().message().find("has no letter"), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().allowed().find("letters"), std::string::npos) << r.status().ToString();
  }
  const auto invisible = CleanName("\u200B");
  ASSERT_FALSE(invisible.ok());
  EXPECT_NE(invisible.status().message().find("name is empty"), std::string::npos);
  EXPECT_EQ(CleanName("  Awa\u202E  Diallo ").value(), "Awa Diallo");
  EXPECT_EQ(CleanName("Je\u200Ban Martin").value(), "Jean Martin");
  EXPECT_EQ(CleanName("李小龍").value(), "李小龍");
  EXPECT_EQ(CleanName("Personne 12").value(), "Personne 12");
  EXPECT_EQ(CleanName("E\xCC\x81lo\xC3\xAF" "se").value(), "Éloïse");
  EXPECT_EQ(CleanName(std::string(100, 'a')).value(), std::string(100, 'a'));
  EXPECT_FALSE(CleanName(std::string(101, 'a')).ok());
}

}  // namespace
}  // namespace parcours
