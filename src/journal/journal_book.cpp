#include "journal/journal_book.hpp"

namespace ocifake::detail {

void journal_book::record(journal_entry e) {
  std::shared_ptr<const listener> l;
  {
    std::lock_guard lock(listener_mutex_);
    l = listener_;
  }
  std::optional<journal_entry> dropped;  // freed after the lock is released
  {
    std::lock_guard lock(mutex_);
    if (e.seq == 0) e.seq = ++seq_;
    // Entries are numbered when their request arrives and written when it ends; a request that
    // hung or lost its answer ends after later ones, so it goes back to its place.
    auto pos = entries_.end();
    while (pos != entries_.begin() && std::prev(pos)->seq > e.seq) --pos;
    if (l)
      entries_.insert(pos, e);
    else
      entries_.insert(pos, std::move(e));  // nobody else reads it
    if (entries_.size() > limit_) {
      dropped.emplace(std::move(entries_.front()));
      entries_.pop_front();
    }
    while (entries_.size() > limit_) entries_.pop_front();
  }
  if (l) {
    std::lock_guard lock(listener_call_mutex_);
    (*l)(e);
  }
}

std::vector<journal_entry> journal_book::entries() const {
  std::lock_guard lock(mutex_);
  return {entries_.begin(), entries_.end()};
}

std::vector<journal_entry> journal_book::entries(const std::function<bool(const journal_entry&)>& keep) const {
  std::lock_guard lock(mutex_);
  std::vector<journal_entry> out;
  for (const auto& e : entries_)
    if (keep(e)) out.push_back(e);
  return out;
}

std::size_t journal_book::clear() {
  std::lock_guard lock(mutex_);
  auto n = entries_.size();
  entries_.clear();
  return n;
}

void journal_book::on_request(listener l) {
  std::shared_ptr<const listener> shared;
  if (l) shared = std::make_shared<const listener>(std::move(l));
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(shared);
}

}  // namespace ocifake::detail
