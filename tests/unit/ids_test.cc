// Tests for the identifiers shown to people (ids.h).
#include "parcours/ids.h"

#include <cctype>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace parcours {
namespace {

TEST(IdsTest, AlphabetHasNoLookAlikes) {
  EXPECT_EQ(kIdAlphabet.size(), 31u);
  for (char c : std::string("0O1IL")) {
    EXPECT_EQ(kIdAlphabet.find(c), std::string_view::npos) << c;
  }
  const std::set<char> unique(kIdAlphabet.begin(), kIdAlphabet.end());
  EXPECT_EQ(unique.size(), kIdAlphabet.size());
  for (char c : kIdAlphabet) EXPECT_TRUE((c >= '2' && c <= '9') || (c >= 'A' && c <= 'Z')) << c;
}

TEST(IdsTest, NewIdHasPrefixDashAndFiveAlphabetCharacters) {
  std::mt19937_64 rng(42);
  std::set<char> seen;
  std::set<std::string> ids;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = NewId(kPersonPrefix, rng);
    ASSERT_EQ(id.size(), 7u) << id;
    ASSERT_EQ(id[0], 'P') << id;
    ASSERT_EQ(id[1], '-') << id;
    for (char c : id.substr(2)) {
      ASSERT_NE(kIdAlphabet.find(c), std::string_view::npos) << id;
      seen.insert(c);
    }
    ids.insert(id);
  }
  // Every letter of the alphabet gets used, and ids are spread out.
  EXPECT_EQ(seen.size(), kIdAlphabet.size());
  EXPECT_GT(ids.size(), 1990u);
}

TEST(IdsTest, NewIdUsesThePrefixAndIsReproducibleFromTheSeed) {
  std::mt19937_64 a(7), b(7);
  const std::string first = NewId(kPathwayPrefix, a);
  EXPECT_EQ(first.substr(0, 2), "W-");
  EXPECT_EQ(first, NewId(kPathwayPrefix, b));
  EXPECT_NE(NewId(kPathwayPrefix, a), first);  // the generator moves on
}

TEST(IdsTest, NormalizeIdAcceptsCanonicalLowercaseAndMissingDash) {
  EXPECT_EQ(NormalizeId('P', "P-7K2M9"), "P-7K2M9");
  EXPECT_EQ(NormalizeId('P', "p-7k2m9"), "P-7K2M9");
  EXPECT_EQ(NormalizeId('P', "p7k2m9"), "P-7K2M9");
  EXPECT_EQ(NormalizeId('P', "P7K2M9"), "P-7K2M9");
  EXPECT_EQ(NormalizeId('W', "w-3f8qz"), "W-3F8QZ");
  EXPECT_EQ(NormalizeId('W', "W3F8QZ"), "W-3F8QZ");
}

TEST(IdsTest, NormalizeIdRefusesWhatCannotBeAnIdOfThatKind) {
  for (const char* bad : {
           "",          // nothing
           "P",         // prefix only
           "P-",        //
           "W-7K2M9",   // a pathway id where a person id is expected
           "7K2M9",     // no prefix
           "P-7K2M",    // too short
           "P-7K2M9A",  // too long
           "P--7K2M9",  // two dashes
           "P_7K2M9",   // wrong separator
           "P-7K2M0",   // 0 is not in the alphabet
           "P-7K2MO",   // nor O
           "P-7K2M1",   // nor 1
           "P-7K2MI",   // nor I
           "P-7K2ML",   // nor L
           "p-7k2ml",   // nor l
           "P-7K M9",   // space
           "P-7K-M9",   // dash inside
           " P-7K2M9",  // leading space
           "P-7K2M9 ",  // trailing space
           "P-7K2\xC3\x89",
       }) {
    EXPECT_FALSE(NormalizeId('P', bad)) << '"' << bad << '"';
  }
  EXPECT_FALSE(NormalizeId('W', "P-7K2M9"));
}

TEST(IdsTest, NormalizeIdRoundTripsNewIds) {
  std::mt19937_64 rng(1234);
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewId(kPathwayPrefix, rng);
    EXPECT_EQ(NormalizeId(kPathwayPrefix, id), id);
    std::string lower = id;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(NormalizeId(kPathwayPrefix, lower), id);
    EXPECT_EQ(NormalizeId(kPathwayPrefix, lower.substr(0, 1) + lower.substr(2)), id);
    EXPECT_FALSE(NormalizeId(kPersonPrefix, id));
  }
}

// The ids given as examples to people (ids.h, the engine's refusal hints, the
// CLI's help) should be ids a person can actually meet.
TEST(IdsTest, DocumentedExampleIdsAreValidIds) {
  EXPECT_EQ(NormalizeId(kPersonPrefix, "P-7K2M9"), "P-7K2M9");
  // The examples in ids.h, engine messages and docs.
  EXPECT_EQ(NormalizeId(kPathwayPrefix, "W-3F8Q4"), "W-3F8Q4");
  EXPECT_EQ(NormalizeId(kPathwayPrefix, "w3f8q4"), "W-3F8Q4");
  // Look-alikes are never part of an id: an id read aloud cannot be mistyped.
  EXPECT_EQ(NormalizeId(kPathwayPrefix, "W-3F8Q1"), std::nullopt);
  EXPECT_EQ(NormalizeId(kPathwayPrefix, "W-3F8QO"), std::nullopt);
}

}  // namespace
}  // namespace parcours
