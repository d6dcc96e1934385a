#pragma once
// The journal of one server: every request, numbered when it arrives, written when it ends, kept
// in arrival order up to a limit, and passed to the on_request listener.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <ocifake/journal.hpp>

namespace ocifake::detail {

class journal_book {
public:
  using listener = std::function<void(const journal_entry&)>;

  explicit journal_book(std::size_t limit) : limit_(limit) {}

  // The number of a request that has just arrived.
  std::uint64_t next_seq() { return ++seq_; }
  // The number the last request to arrive got.
  std::uint64_t last_seq() const { return seq_.load(); }

  // Writes a request's entry, in its place by number (one that is 0 gets the next), and passes it
  // to the listener, outside the journal's lock; calls never overlap.
  void record(journal_entry e);
  std::vector<journal_entry> entries() const;
  // Only the entries `keep` says yes to.
  std::vector<journal_entry> entries(const std::function<bool(const journal_entry&)>& keep) const;
  // Forgets every entry; returns how many there were.
  std::size_t clear();
  void on_request(listener l);

private:
  std::size_t limit_;
  std::atomic<std::uint64_t> seq_{0};
  mutable std::mutex mutex_;
  std::deque<journal_entry> entries_;
  std::mutex listener_mutex_;       // swaps the listener
  std::mutex listener_call_mutex_;  // one call at a time
  std::shared_ptr<const listener> listener_;
};

}  // namespace ocifake::detail
