// The file of transaction ids that tadori-loadgen --acked-out writes and `tadori tx check` reads.
#include "tools/client/tx_id_list.h"

#include <gtest/gtest.h>

namespace tadori::client {
namespace {

TEST(TxIdListTest, WhatIsWrittenReadsBack) {
  const std::vector<Hash> ids = {Sha256(AsBytes(std::string("a"))),
                                 Sha256(AsBytes(std::string("b")))};
  const std::string text = FormatTxIdList(ids);
  EXPECT_EQ(text, ids[0].Hex() + "\n" + ids[1].Hex() + "\n");
  Result<std::vector<Hash>> back = ParseTxIdList(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, ids);
  EXPECT_EQ(FormatTxIdList({}), "");
  ASSERT_TRUE(ParseTxIdList("").ok());
  EXPECT_TRUE(ParseTxIdList("")->empty());
}

TEST(TxIdListTest, AcceptsBlanksCrLfEmptyLinesAndUppercase) {
  const Hash id = Sha256(AsBytes(std::string("x")));
  std::string upper = id.Hex();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Result<std::vector<Hash>> ids = ParseTxIdList("\n  " + id.Hex() + " \r\n\r\n" + upper);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<Hash>{id, id}));
}

TEST(TxIdListTest, NamesTheLineThatIsNotAnId) {
  const Hash id = Sha256(AsBytes(std::string("x")));
  const Status short_id = ParseTxIdList(id.Hex() + "\n\nabc\n").status();
  EXPECT_EQ(short_id.code(), Code::kInvalidArgument);
  EXPECT_EQ(short_id.message(), "line 3: not a transaction id (64 hex digits): abc");
  const Status not_hex = ParseTxIdList(std::string(64, 'g')).status();
  EXPECT_EQ(not_hex.code(), Code::kInvalidArgument);
  EXPECT_EQ(not_hex.message(),
            "line 1: not a transaction id (64 hex digits): " + std::string(64, 'g'));
  const Status two = ParseTxIdList(id.Hex() + " " + id.Hex()).status();
  EXPECT_EQ(two.code(), Code::kInvalidArgument);
  EXPECT_NE(two.message().find("line 1: not a transaction id"), std::string::npos);
}

}  // namespace
}  // namespace tadori::client
