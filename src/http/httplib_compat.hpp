#pragma once
// The one place where ocifake meets the differences between the cpp-httplib versions it builds
// with (0.11 on Debian 12, 0.18 on Debian 13). Everything else uses httplib as it is.

#include <functional>
#include <utility>

#include <httplib.h>

namespace ocifake::detail::httplib_compat {

// TaskQueue::enqueue returns void in 0.11 and bool in 0.18, where false makes httplib close the
// connection it could not queue.
using enqueue_result = decltype(std::declval<httplib::TaskQueue&>().enqueue(std::function<void()>{}));

// What enqueue answers for a job it took: true where an answer is expected, nothing where not.
inline enqueue_result job_accepted() { return static_cast<enqueue_result>(true); }

}  // namespace ocifake::detail::httplib_compat
