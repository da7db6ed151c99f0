// How read commands call a node and print what it said.
#pragma once

#include <chrono>
#include <string>

#include <grpcpp/client_context.h>

#include "tools/cli/cli_context.h"
#include "tools/cli/render.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

// Every read is bounded: a node that does not answer within kReadDeadlineMs is an error.
inline void SetReadDeadline(grpc::ClientContext& call) {
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(client::kReadDeadlineMs));
}

// Prints `answer` as one line of protobuf JSON (`json`), else as render(answer) without its
// final newline. Returns kExitOk.
template <typename Message, typename Renderer>
int PrintAnswer(const Message& answer, bool json, Renderer render) {
  if (json) {
    PrintLine(ToJson(answer));
  } else {
    std::string text = render(answer);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    PrintLine(text);
  }
  return kExitOk;
}

}  // namespace tadori::cli
