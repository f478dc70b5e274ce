#include "middleware/ingest/kv_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mw::core::kv_text {
namespace {

// shown renders a parse result for comparison: "none", the value, or "beyond int64".
std::string shown(std::optional<Int128> v) {
  if (!v) return "none";
  if (!fits_int64(*v)) return "beyond int64";
  return std::to_string(static_cast<std::int64_t>(*v));
}

// failure returns the message of a failed check_raw, or a note that it passed.
std::string failure(std::string_view key, std::string_view raw) {
  Status s = check_raw(key, raw);
  if (s.is_ok()) return "accepted";
  EXPECT_EQ(s.error().kind, ErrorKind::kMalformed);
  return s.error().message;
}

// lexed renders every field of `record` as "number:key=raw", or the lexer's error message.
std::string lexed(std::string_view record) {
  FieldLexer lexer(record);
  std::string out;
  while (!lexer.at_end()) {
    Result<Field> f = lexer.next();
    if (!f.is_ok()) {
      EXPECT_EQ(f.error().kind, ErrorKind::kMalformed);
      return f.error().message;
    }
    if (!out.empty()) out += " ";
    out += std::to_string(f.value().number) + ":" + std::string(f.value().key) + "=" +
           std::string(f.value().raw);
  }
  return out;
}

TEST(KvText, AllDigitsAcceptsOnlyDecimalDigits) {
  EXPECT_TRUE(all_digits("0123456789"));
  EXPECT_TRUE(all_digits(""));
  EXPECT_FALSE(all_digits("12a"));
  EXPECT_FALSE(all_digits("-1"));
  EXPECT_FALSE(all_digits("1.0"));
}

TEST(KvText, ExcerptQuotesEscapesAndShortens) {
  EXPECT_EQ(excerpt("abc"), "'abc'");
  EXPECT_EQ(excerpt(""), "''");
  EXPECT_EQ(excerpt("a\nb\\\x7f\xC3"), "'a\\x0Ab\\x5C\\x7F\\xC3'");
  EXPECT_EQ(excerpt(std::string(40, 'x')), "'" + std::string(40, 'x') + "'");
  EXPECT_EQ(excerpt(std::string(41, 'x')), "'" + std::string(40, 'x') + "...'");
}

TEST(KvText, ValidUtf8FollowsRfc3629) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ASCII"));
  EXPECT_TRUE(valid_utf8("L\xC3\xA9"));          // U+00E9
  EXPECT_TRUE(valid_utf8("\xE2\x82\xAC"));       // U+20AC
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));   // U+1F600
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF, the last code point
  EXPECT_FALSE(valid_utf8("\xC3\x28"));          // bad continuation byte
  EXPECT_FALSE(valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(valid_utf8("\xE0\x80\x80"));      // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid_utf8("\x80"));  // a lone continuation byte
}

TEST(KvText, CheckRawNamesTheKeyAndTheOffendingByte) {
  EXPECT_EQ(failure("K", "a%7Cb%3D%25"), "accepted");
  EXPECT_EQ(failure("K", ""), "accepted");
  EXPECT_EQ(failure("K", "a%7c"),
            "K: bad percent escape '%7c'; expected %HH with uppercase hex digits");
  EXPECT_EQ(failure("K", "a%7"),
            "K: incomplete percent escape '%7' at the end of the value (is the record truncated?)");
  EXPECT_EQ(failure("K", "ab%"),
            "K: incomplete percent escape '%' at the end of the value (is the record truncated?)");
  EXPECT_EQ(failure("K", "a\nb"),
            "K: byte '\\x0A' at offset 1 of the value must be percent-encoded");
  EXPECT_EQ(failure("K", "\xC3\xA9"),
            "K: byte '\\xC3' at offset 0 of the value must be percent-encoded");
  EXPECT_EQ(failure("K", "a=b"), "K: '=' in a value must be percent-encoded as %3D");
}

TEST(KvText, PercentDecodeUndoesPercentEncode) {
  EXPECT_EQ(percent_decode("RM%7C1%3D%25"), "RM|1=%");
  EXPECT_EQ(percent_decode("L%C3%A9%0A"), "L\xC3\xA9\n");
  EXPECT_EQ(percent_decode("%2C%3B,;"), ",;,;");
  const std::string all_bytes = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s += static_cast<char>(c);
    return s;
  }();
  for (bool in_list : {false, true}) {
    std::string encoded;
    percent_encode(all_bytes, in_list, &encoded);
    EXPECT_EQ(failure("K", encoded), "accepted");
    EXPECT_EQ(percent_decode(encoded), all_bytes);
  }
}

TEST(KvText, PercentEncodeEscapesListSeparatorsOnlyInLists) {
  std::string plain = "kept:";
  percent_encode("a|b=c%d,e;f\n\x7f", false, &plain);
  EXPECT_EQ(plain, "kept:a%7Cb%3Dc%25d,e;f%0A%7F");
  std::string listed;
  percent_encode("a,b;c", true, &listed);
  EXPECT_EQ(listed, "a%2Cb%3Bc");
}

TEST(KvText, ParseThousandthsReadsAtMostThreeDecimals) {
  EXPECT_EQ(shown(parse_thousandths("0")), "0");
  EXPECT_EQ(shown(parse_thousandths("1.5")), "1500");
  EXPECT_EQ(shown(parse_thousandths("-2.25")), "-2250");
  EXPECT_EQ(shown(parse_thousandths("3.001")), "3001");
  EXPECT_EQ(shown(parse_thousandths("007")), "7000");
  EXPECT_EQ(shown(parse_thousandths("-0")), "0");
  for (std::string_view bad : {"", "-", ".5", "1.", "1.2345", "+1", "1e3", "1,5", " 1", "--1"}) {
    EXPECT_EQ(shown(parse_thousandths(bad)), "none") << "'" << bad << "'";
  }
  // 20 integer digits are read exactly (even beyond int64); 21 are refused.
  EXPECT_EQ(shown(parse_thousandths("99999999999999999999.999")), "beyond int64");
  EXPECT_EQ(shown(parse_thousandths("100000000000000000000")), "none");
}

TEST(KvText, ParseUnsignedAndSignedReadUpToTwentyDigits) {
  EXPECT_EQ(shown(parse_unsigned("0")), "0");
  EXPECT_EQ(shown(parse_unsigned("18446744073709551615")), "beyond int64");
  EXPECT_EQ(shown(parse_unsigned("123456789012345678901")), "none");
  for (std::string_view bad : {"", "-1", "+1", "1.0", "12x"}) {
    EXPECT_EQ(shown(parse_unsigned(bad)), "none") << "'" << bad << "'";
  }
  EXPECT_EQ(shown(parse_signed("-1767225600123")), "-1767225600123");
  EXPECT_EQ(shown(parse_signed("42")), "42");
  EXPECT_EQ(shown(parse_signed("-9223372036854775808")), "-9223372036854775808");
  EXPECT_EQ(shown(parse_signed("-99999999999999999999")), "beyond int64");
  for (std::string_view bad : {"", "-", "--1", "+1", "1-", "-123456789012345678901"}) {
    EXPECT_EQ(shown(parse_signed(bad)), "none") << "'" << bad << "'";
  }
}

TEST(KvText, FitsInt64AtTheBounds) {
  constexpr Int128 kMin = std::numeric_limits<std::int64_t>::min();
  constexpr Int128 kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(fits_int64(kMin));
  EXPECT_TRUE(fits_int64(kMax));
  EXPECT_FALSE(fits_int64(kMin - 1));
  EXPECT_FALSE(fits_int64(kMax + 1));
}

TEST(KvText, FieldLexerReturnsFieldsInOrder) {
  EXPECT_EQ(lexed("A=1|BB=|C=x%7Cy|A=2"), "1:A=1 2:BB= 3:C=x%7Cy 4:A=2");
  EXPECT_EQ(lexed("K=a=b"), "1:K=a=b");  // the first '=' ends the key
  EXPECT_EQ(lexed("=v"), "1:=v");        // keys are the caller's to judge
}

TEST(KvText, FieldLexerNamesTheMalformedField) {
  EXPECT_EQ(lexed(""), "empty record: expected KEY=VALUE fields separated by '|'");
  EXPECT_EQ(lexed("A=1||B=2"), "field 2 is empty (two '|' in a row, or a '|' at the start or end)");
  EXPECT_EQ(lexed("|A=1"), "field 1 is empty (two '|' in a row, or a '|' at the start or end)");
  EXPECT_EQ(lexed("A=1|"), "field 2 is empty (two '|' in a row, or a '|' at the start or end)");
  EXPECT_EQ(lexed("A=1|UO"), "field 2 'UO' is not KEY=VALUE (is the record truncated?)");
}

}  // namespace
}  // namespace mw::core::kv_text
