// AnswerStream: the bidirectional streams of the client API (SubmitStream,
// WatchTransactions) on gRPC's callback API, where every request brings items (transactions,
// ids) that are each answered once, later and from any thread (a commit, a deadline).
//
// It keeps gRPC's rules (one Read and one Write outstanding at a time; Finish once, after the
// last Write completed) and bounds what one client can make the node hold: at most
// `unanswered_max` items taken on and not yet written back, and at most `queued_bytes_max`
// bytes of answers waiting to be written. At either bound it stops reading: the client's
// further requests wait in HTTP/2 flow control, not in the node, and reading resumes as
// answers are written. A client that stops reading its answers thus stops being read.
//
// Threads: gRPC calls the reactor's methods on its own threads and hands a call from one to
// the next inside its libraries, so every callback first takes the stream's mutex, which the
// thread that started the Read or Write (or built the stream, Start) released: that is what
// orders one callback's view of the stream after the previous one's. For the same reason the
// stream exchanges bytes with gRPC, not messages (the methods are gRPC "raw" methods): gRPC
// fills the Read's buffer on the thread that completes it, before any callback of ours runs,
// so a request message kept in the stream would be written by one gRPC thread while the
// previous one's handling may still be the last to have touched it. Each request is parsed,
// and each answer serialized, by the thread that handles it; the wire format is unchanged.
//
// Lifetime: the stream is owned by shared_ptr, by itself from Start until gRPC's OnDone and
// by whatever callback may still answer one of its items (the commit feed's subscriptions);
// Release, called once when the stream ends for whatever reason, must let go of those.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace tadori {

struct AnswerStreamBounds {
  size_t unanswered_max = 0;         // items taken on and not yet written back
  size_t items_per_request_max = 1;  // a request is read only when this many more fit
  size_t queued_bytes_max = 0;       // answers waiting for their Write
};

template <class Request, class Response>
class AnswerStream : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  void OnReadDone(bool ok) override {
    grpc::ByteBuffer bytes;
    {
      std::lock_guard lock(mu_);
      if (!ok) {  // the client closed its side (or the call broke)
        reading_ = false;
        reads_done_ = true;
        FinishIfDoneLocked();
        return;
      }
      bytes.Swap(&read_buffer_);
    }
    // reading_ stays set while the request is handled: no other Read starts meanwhile.
    Request request;
    if (grpc::SerializationTraits<Request>::Deserialize(&bytes, &request).ok()) {
      Handle(request);
    } else {
      Fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "a request of the stream is not a valid " + request.GetTypeName()));
    }
    std::lock_guard lock(mu_);
    reading_ = false;
    ReadIfRoomLocked();
    FinishIfDoneLocked();
  }

  void OnWriteDone(bool ok) override {
    bool ending = false;
    {
      std::lock_guard lock(mu_);
      queued_bytes_ -= queue_.front().second;
      queue_.pop_front();
      --unanswered_;
      if (!ok && !ending_) {  // the call broke: nothing more can be written
        ending_ = true;
        end_status_ = grpc::Status::CANCELLED;
      }
      if (ending_) queue_.clear();
      if (queue_.empty()) {
        writing_ = false;
      } else {
        this->StartWrite(&queue_.front().first);
      }
      ReadIfRoomLocked();
      FinishIfDoneLocked();
      ending = ending_;
    }
    if (ending) ReleaseOnce();
  }

  void OnCancel() override {
    bool finish = false;
    {
      std::lock_guard lock(mu_);
      if (!ending_) {
        ending_ = true;
        end_status_ = grpc::Status::CANCELLED;
      }
      // The Write in flight (front) completes on its own, with ok false.
      if (writing_) {
        queue_.resize(1);
      } else {
        queue_.clear();
      }
      finish = FinishNowLocked();
    }
    ReleaseOnce();
    if (finish) FinishAfterRelease();
  }

  void OnSendInitialMetadataDone(bool /*ok*/) override {  // a refused stream's (Refuse)
    std::lock_guard lock(mu_);
    metadata_pending_ = false;
    FinishIfDoneLocked();
  }

  void OnDone() override {
    ReleaseOnce();
    std::shared_ptr<AnswerStream> last;  // may delete this on return, after the lock
    std::lock_guard lock(mu_);
    last = std::move(self_);
  }

 protected:
  explicit AnswerStream(AnswerStreamBounds bounds) : bounds_(bounds) {}

  // Starts reading; `self` is this stream, which keeps itself until OnDone. Everything the
  // constructors set is published by this lock: the callbacks take it first.
  void Start(std::shared_ptr<AnswerStream> self) {
    std::lock_guard lock(mu_);
    self_ = std::move(self);
    reading_ = true;
    this->StartRead(&read_buffer_);
  }
  // Ends a stream that was refused before it started (the caller's gate). Finished from
  // OnSendInitialMetadataDone, once gRPC has bound the stream: a Finish before that is kept
  // in the reactor's backlog, which gRPC moves from on the handler's thread after the handler
  // returns, and the stream, destroyed on another thread, would not be ordered after that.
  void Refuse(std::shared_ptr<AnswerStream> self, grpc::Status status) {
    {
      std::lock_guard lock(mu_);
      self_ = std::move(self);
      ending_ = true;
      end_status_ = std::move(status);
      metadata_pending_ = true;
    }
    ReleaseOnce();
    std::lock_guard lock(mu_);
    this->StartSendInitialMetadata();
  }

  // One request read, on gRPC's callback thread, after that thread took the stream's mutex;
  // no other Handle runs meanwhile. Takes its items on with Owe before answering any of them.
  virtual void Handle(Request& request) = 0;
  // Lets go of what the stream's items hold (subscriptions, places): the stream ends.
  virtual void Release() = 0;

  void Owe(size_t items) {
    std::lock_guard lock(mu_);
    unanswered_ += items;
  }
  // Queues the answer of one item owed; from any thread. Dropped once the stream ends.
  void Answer(const Response& response) {
    // Serialized here, by the answering thread: gRPC is handed bytes only (see the top).
    grpc::ByteBuffer bytes;
    bool own_buffer = false;
    grpc::Status serialized =
        grpc::SerializationTraits<Response>::Serialize(response, &bytes, &own_buffer);
    if (!serialized.ok()) {  // an answer over protobuf's 2 GB: not one of ours
      Fail(std::move(serialized));
      return;
    }
    std::lock_guard lock(mu_);
    if (ending_) return;
    const size_t size = bytes.Length();
    queued_bytes_ += size;
    queue_.emplace_back();  // ByteBuffer has no move: Swap instead of a reference copy
    queue_.back().first.Swap(&bytes);
    queue_.back().second = size;
    if (writing_) return;
    writing_ = true;
    // deque::emplace_back keeps references to the elements: the front stays valid while
    // other answers are queued behind it.
    this->StartWrite(&queue_.front().first);
  }
  // Ends the stream with `status` (a request it cannot take); queued answers are dropped.
  void Fail(grpc::Status status) {
    bool finish = false;
    {
      std::lock_guard lock(mu_);
      if (ending_) return;
      ending_ = true;
      end_status_ = std::move(status);
      if (writing_) {
        queue_.resize(1);
      } else {
        queue_.clear();
      }
      finish = FinishNowLocked();
    }
    ReleaseOnce();
    if (finish) FinishAfterRelease();
  }

  size_t unanswered() const {
    std::lock_guard lock(mu_);
    return unanswered_;
  }

 private:
  // gRPC's operations (StartRead, StartWrite, Finish, StartSendInitialMetadata) are all
  // started under mu_, so that what gRPC writes into the call's operations as they start is
  // ordered before the callback that ends them (it takes mu_ first) and before the stream's
  // end (OnDone takes mu_, and gRPC destroys the operations after OnDone returns).

  // Starts the next Read if one should start now. Needs mu_.
  void ReadIfRoomLocked() {
    if (reading_ || reads_done_ || ending_) return;
    // An empty stream always reads, so a bound below items_per_request_max still works.
    if (unanswered_ > 0 && unanswered_ + bounds_.items_per_request_max > bounds_.unanswered_max) {
      return;
    }
    if (queued_bytes_ >= bounds_.queued_bytes_max) return;
    reading_ = true;
    this->StartRead(&read_buffer_);
  }
  // Whether to Finish now (and mark it called): the stream ended or the client closed its
  // side with everything answered, and no Write (nor Refuse's metadata) is in flight. Needs
  // mu_.
  bool FinishNowLocked() {
    if (finish_called_ || writing_ || metadata_pending_) return false;
    const bool done = ending_ || (reads_done_ && !reading_ && unanswered_ == 0);
    if (!done) return false;
    finish_called_ = true;
    return true;
  }
  void FinishIfDoneLocked() {
    if (FinishNowLocked()) this->Finish(end_status_);
  }
  // The Finish that FinishNowLocked decided before the stream's Release: the client hears
  // the end only once its places were given back.
  void FinishAfterRelease() {
    std::lock_guard lock(mu_);
    this->Finish(end_status_);
  }
  void ReleaseOnce() {
    {
      std::lock_guard lock(mu_);
      if (released_) return;
      released_ = true;
    }
    Release();
  }

  const AnswerStreamBounds bounds_;
  // The Read's buffer, filled by gRPC; one Read at a time, taken under mu_ by OnReadDone.
  grpc::ByteBuffer read_buffer_;

  mutable std::mutex mu_;
  std::shared_ptr<AnswerStream> self_;
  std::deque<std::pair<grpc::ByteBuffer, size_t>> queue_;  // answers, bytes; front in flight
  size_t queued_bytes_ = 0;
  size_t unanswered_ = 0;
  bool reading_ = false;
  bool reads_done_ = false;
  bool writing_ = false;
  bool ending_ = false;            // cancelled, broken or failed: nothing more is read or written
  bool metadata_pending_ = false;  // Refuse's initial metadata, sent before its Finish
  bool finish_called_ = false;
  bool released_ = false;
  grpc::Status end_status_ = grpc::Status::OK;
};

}  // namespace tadori
