// The image, work-request and instance machines as Boost.MSM state machines (functor front-end). This is the only
// translation unit that includes MSM, so its compile cost is paid once; the facade in machines.hpp is all the
// rest of the library sees.
//
// MSM is not thread-safe: the store drives every machine under its one lock. No MSM flags are used
// (finished() is derived from the state), because in Boost 1.81 is_flag_active races across machines of one
// type even under separate locks.
#include "lifecycle/machines.hpp"

#include <cctype>
#include <exception>
#include <string>

// The image table has more rows than mpl::vector's default limit of 20. The numbered form takes the exact
// row count (the compiler rejects a wrong one) and, unlike raising BOOST_MPL_LIMIT_VECTOR_SIZE, does not
// give boost::mpl::vector a different definition in this translation unit than in the others.
#include <boost/mpl/vector/vector30.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

namespace ocifake::detail {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using msm::front::none;
using msm::front::Row;

template <class... T>
struct type_list {};

// A state of a machine: an empty MSM state that knows the enumerator it stands for.
template <auto V>
struct state_of : msm::front::state<> {
  static constexpr auto value = V;
};

// The pseudo-state every machine starts in, and the events that leave it for the state the facade was
// constructed with. MSM's initial state is fixed at compile time and the back-end offers no way to set the
// active state (set_states() replaces state objects, not the active one), so the constructor starts the
// machine here and processes one enter<> event. Only this pseudo-state accepts enter<>, and no row leads back
// to it, so a machine cannot be jumped around after construction.
struct unborn : msm::front::state<> {};
template <auto V>
struct enter {};

// What both machines share. MSM's default no_transition and exception_caught assert; here they record that
// the event was not applied, so that process() answers false. The tables have no actions, so nothing throws
// today; should an action ever throw, the event is reported as not applied instead of escaping into the store.
template <class Derived>
struct machine_def : msm::front::state_machine_def<Derived> {
  using no_message_queue = int;  // no action posts events, so MSM need not queue them

  using initial_state = unborn;
  bool refused_ = false;

  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {
    refused_ = true;
  }
  template <class Fsm, class Event>
  void exception_caught(const Event&, Fsm&, std::exception&) {
    refused_ = true;
  }
};

// Applies one event and says whether the machine took it.
template <class Event, class Sm>
bool apply(Sm& sm) {
  sm.refused_ = false;
  return sm.process_event(Event{}) == msm::back::HANDLED_TRUE && !sm.refused_;
}

// The enumerator of the active state, read from MSM's active state id: what a facade keeps between events.
template <class Sm, class First, class... Rest>
auto current(const Sm& sm, type_list<First, Rest...>) {
  const int id = sm.current_state()[0];
  auto s = First::value;
  (void)((id == msm::back::get_state_id<typename Sm::stt, Rest>::value && ((s = Rest::value), true)) || ...);
  return s;
}

// Leaves the pseudo-state for the state whose enumerator is `initial`.
template <class Sm, class Enum, class... States>
void enter_state(Sm& sm, Enum initial, type_list<States...>) {
  sm.start();
  (void)((initial == States::value && apply<enter<States::value>>(sm)) || ...);
}

// ---------------------------------------------------------------------------------------------------------
// Images

struct image_def : machine_def<image_def> {
  using provisioning = state_of<image_state::provisioning>;
  using importing = state_of<image_state::importing>;
  using available = state_of<image_state::available>;
  using exporting = state_of<image_state::exporting>;
  using disabled = state_of<image_state::disabled>;
  using deleted = state_of<image_state::deleted>;
  using states = type_list<provisioning, importing, available, exporting, disabled, deleted>;

  struct provisioned {};
  struct imported {};
  struct failed {};
  struct export_requested {};
  struct exported {};
  struct export_failed {};
  struct delete_requested {};
  struct deletion_done {};
  struct update {};
  struct change_compartment {};
  struct change_shapes {};

  // A row without a target is an internal transition: allowed, state unchanged.
  // clang-format off
  struct transition_table
      : mpl::vector27<
            //    Source         Event                         Target
            //  +--------------+-----------------------------+--------------+
            Row < unborn       , enter<provisioning::value>  , provisioning >,
            Row < unborn       , enter<importing::value>     , importing    >,
            Row < unborn       , enter<available::value>     , available    >,
            Row < unborn       , enter<exporting::value>     , exporting    >,
            Row < unborn       , enter<disabled::value>      , disabled     >,
            Row < unborn       , enter<deleted::value>       , deleted      >,
            //  +--------------+-----------------------------+--------------+
            Row < provisioning , provisioned                 , available    >,
            Row < provisioning , failed                      , deleted      >,
            Row < provisioning , update                      , none         >,
            Row < provisioning , change_shapes               , none         >,
            //  +--------------+-----------------------------+--------------+
            Row < importing    , imported                    , available    >,
            Row < importing    , failed                      , deleted      >,
            Row < importing    , update                      , none         >,
            Row < importing    , change_shapes               , none         >,
            //  +--------------+-----------------------------+--------------+
            Row < available    , export_requested            , exporting    >,
            Row < available    , delete_requested            , disabled     >,
            Row < available    , update                      , none         >,
            Row < available    , change_compartment          , none         >,
            Row < available    , change_shapes               , none         >,
            //  +--------------+-----------------------------+--------------+
            Row < exporting    , exported                    , available    >,
            Row < exporting    , export_failed               , available    >,
            Row < exporting    , update                      , none         >,
            Row < exporting    , change_shapes               , none         >,
            //  +--------------+-----------------------------+--------------+
            Row < disabled     , delete_requested            , disabled     >,
            Row < disabled     , deletion_done               , deleted      >,
            Row < disabled     , update                      , none         >,
            Row < disabled     , change_shapes               , none         >
            //  +--------------+-----------------------------+--------------+
            //    deleted accepts nothing.
            > {};
  // clang-format on
};

using image_sm = msm::back::state_machine<image_def>;

// ---------------------------------------------------------------------------------------------------------
// Work requests

struct work_request_def : machine_def<work_request_def> {
  using accepted = state_of<work_request_state::accepted>;
  using in_progress = state_of<work_request_state::in_progress>;
  using succeeded = state_of<work_request_state::succeeded>;
  using failed = state_of<work_request_state::failed>;
  using canceling = state_of<work_request_state::canceling>;
  using canceled = state_of<work_request_state::canceled>;
  using states = type_list<accepted, in_progress, succeeded, failed, canceling, canceled>;

  struct start {};
  struct succeed {};
  struct fail {};
  struct cancel {};
  struct cancellation_done {};

  // clang-format off
  struct transition_table
      : mpl::vector<
            //    Source        Event                         Target
            //  +-------------+-----------------------------+-------------+
            Row < unborn      , enter<accepted::value>      , accepted    >,
            Row < unborn      , enter<in_progress::value>   , in_progress >,
            Row < unborn      , enter<succeeded::value>     , succeeded   >,
            Row < unborn      , enter<failed::value>        , failed      >,
            Row < unborn      , enter<canceling::value>     , canceling   >,
            Row < unborn      , enter<canceled::value>      , canceled    >,
            //  +-------------+-----------------------------+-------------+
            Row < accepted    , start                       , in_progress >,
            Row < accepted    , fail                        , failed      >,
            Row < accepted    , cancel                      , canceling   >,
            //  +-------------+-----------------------------+-------------+
            Row < in_progress , succeed                     , succeeded   >,
            Row < in_progress , fail                        , failed      >,
            Row < in_progress , cancel                      , canceling   >,
            //  +-------------+-----------------------------+-------------+
            Row < canceling   , cancellation_done           , canceled    >
            //  +-------------+-----------------------------+-------------+
            //    succeeded, failed and canceled accept nothing.
            > {};
  // clang-format on
};

using work_request_sm = msm::back::state_machine<work_request_def>;

// ---------------------------------------------------------------------------------------------------------
// Instances

// CREATING_IMAGE is two MSM states, one per state it can return to; both read as CREATING_IMAGE.
template <instance_state Before>
struct imaging_from : msm::front::state<> {
  static constexpr auto value = instance_state::creating_image;
};
template <instance_state Before>
struct enter_imaging {};

struct instance_def : machine_def<instance_def> {
  using running = state_of<instance_state::running>;
  using stopping = state_of<instance_state::stopping>;
  using stopped = state_of<instance_state::stopped>;
  using starting = state_of<instance_state::starting>;
  using terminating = state_of<instance_state::terminating>;
  using terminated = state_of<instance_state::terminated>;
  using imaging_running = imaging_from<instance_state::running>;
  using imaging_stopped = imaging_from<instance_state::stopped>;
  using states =
      type_list<running, stopping, stopped, starting, terminating, terminated, imaging_running, imaging_stopped>;

  struct stop_requested {};
  struct reset_requested {};
  struct stop_done {};
  struct resumed {};
  struct start_requested {};
  struct started {};
  struct start_failed {};
  struct terminate_requested {};
  struct termination_done {};
  struct image_requested {};
  struct image_done {};

  // clang-format off
  struct transition_table
      : mpl::vector29<
            //    Source           Event                          Target
            //  +----------------+------------------------------+-----------------+
            Row < unborn         , enter<running::value>        , running         >,
            Row < unborn         , enter<stopping::value>       , stopping        >,
            Row < unborn         , enter<stopped::value>        , stopped         >,
            Row < unborn         , enter<starting::value>       , starting        >,
            Row < unborn         , enter<terminating::value>    , terminating     >,
            Row < unborn         , enter<terminated::value>     , terminated      >,
            Row < unborn         , enter_imaging<instance_state::running>, imaging_running >,
            Row < unborn         , enter_imaging<instance_state::stopped>, imaging_stopped >,
            //  +----------------+------------------------------+-----------------+
            Row < running        , stop_requested               , stopping        >,
            Row < running        , reset_requested              , stopping        >,
            Row < running        , start_requested              , none            >,
            Row < running        , terminate_requested          , terminating     >,
            Row < running        , image_requested              , imaging_running >,
            //  +----------------+------------------------------+-----------------+
            Row < stopping       , stop_requested               , none            >,
            Row < stopping       , stop_done                    , stopped         >,
            Row < stopping       , resumed                      , running         >,
            Row < stopping       , terminate_requested          , terminating     >,
            //  +----------------+------------------------------+-----------------+
            Row < stopped        , stop_requested               , none            >,
            Row < stopped        , start_requested              , starting        >,
            Row < stopped        , terminate_requested          , terminating     >,
            Row < stopped        , image_requested              , imaging_stopped >,
            //  +----------------+------------------------------+-----------------+
            Row < starting       , start_requested              , none            >,
            Row < starting       , started                      , running         >,
            Row < starting       , start_failed                 , stopped         >,
            Row < starting       , terminate_requested          , terminating     >,
            //  +----------------+------------------------------+-----------------+
            Row < terminating    , terminate_requested          , none            >,
            Row < terminating    , termination_done             , terminated      >,
            //  +----------------+------------------------------+-----------------+
            Row < imaging_running, image_done                   , running         >,
            Row < imaging_stopped, image_done                   , stopped         >
            //  +----------------+------------------------------+-----------------+
            //    terminated accepts nothing.
            > {};
  // clang-format on
};

using instance_sm = msm::back::state_machine<instance_def>;

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Facades

namespace {

bool apply_event(image_sm& sm, image_event e) {
  using E = image_event;
  using D = image_def;
  switch (e) {
    case E::provisioned: return apply<D::provisioned>(sm);
    case E::imported: return apply<D::imported>(sm);
    case E::failed: return apply<D::failed>(sm);
    case E::export_requested: return apply<D::export_requested>(sm);
    case E::exported: return apply<D::exported>(sm);
    case E::export_failed: return apply<D::export_failed>(sm);
    case E::delete_requested: return apply<D::delete_requested>(sm);
    case E::deleted: return apply<D::deletion_done>(sm);
    case E::update: return apply<D::update>(sm);
    case E::change_compartment: return apply<D::change_compartment>(sm);
    case E::change_shapes: return apply<D::change_shapes>(sm);
  }
  return false;
}

}  // namespace

bool image_machine::process(image_event e) {
  image_sm sm;
  enter_state(sm, state_, image_def::states{});
  const bool taken = apply_event(sm, e);
  state_ = current(sm, image_def::states{});
  return taken;
}

bool work_request_machine::finished() const noexcept {
  auto s = state();
  return s == work_request_state::succeeded || s == work_request_state::failed || s == work_request_state::canceled;
}

namespace {

bool apply_event(work_request_sm& sm, work_request_event e) {
  using E = work_request_event;
  using D = work_request_def;
  switch (e) {
    case E::start: return apply<D::start>(sm);
    case E::succeed: return apply<D::succeed>(sm);
    case E::fail: return apply<D::fail>(sm);
    case E::cancel: return apply<D::cancel>(sm);
    case E::canceled: return apply<D::cancellation_done>(sm);
  }
  return false;
}

}  // namespace

bool work_request_machine::process(work_request_event e) {
  work_request_sm sm;
  enter_state(sm, state_, work_request_def::states{});
  const bool taken = apply_event(sm, e);
  state_ = current(sm, work_request_def::states{});
  return taken;
}

struct instance_machine::impl {
  instance_sm sm;
};

instance_machine::instance_machine(instance_state initial, instance_state before_image)
    : impl_(std::make_unique<impl>()) {
  auto& sm = impl_->sm;
  if (initial != instance_state::creating_image) {
    enter_state(sm, initial,
                type_list<instance_def::running, instance_def::stopping, instance_def::stopped, instance_def::starting,
                          instance_def::terminating, instance_def::terminated>{});
    return;
  }
  sm.start();
  if (before_image == instance_state::stopped)
    apply<enter_imaging<instance_state::stopped>>(sm);
  else
    apply<enter_imaging<instance_state::running>>(sm);
}
instance_machine::instance_machine(const instance_machine& o) : impl_(std::make_unique<impl>(*o.impl_)) {}
instance_machine& instance_machine::operator=(const instance_machine& o) {
  impl_ = std::make_unique<impl>(*o.impl_);
  return *this;
}
instance_machine::instance_machine(instance_machine&&) noexcept = default;
instance_machine& instance_machine::operator=(instance_machine&&) noexcept = default;
instance_machine::~instance_machine() = default;

instance_state instance_machine::state() const noexcept { return current(impl_->sm, instance_def::states{}); }

bool instance_machine::process(instance_event e) {
  using E = instance_event;
  using D = instance_def;
  auto& sm = impl_->sm;
  switch (e) {
    case E::stop_requested: return apply<D::stop_requested>(sm);
    case E::reset_requested: return apply<D::reset_requested>(sm);
    case E::stopped: return apply<D::stop_done>(sm);
    case E::resumed: return apply<D::resumed>(sm);
    case E::start_requested: return apply<D::start_requested>(sm);
    case E::started: return apply<D::started>(sm);
    case E::start_failed: return apply<D::start_failed>(sm);
    case E::terminate_requested: return apply<D::terminate_requested>(sm);
    case E::terminated: return apply<D::termination_done>(sm);
    case E::image_requested: return apply<D::image_requested>(sm);
    case E::image_done: return apply<D::image_done>(sm);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Names

const char* to_string(image_state s) noexcept {
  switch (s) {
    case image_state::provisioning: return "PROVISIONING";
    case image_state::importing: return "IMPORTING";
    case image_state::available: return "AVAILABLE";
    case image_state::exporting: return "EXPORTING";
    case image_state::disabled: return "DISABLED";
    case image_state::deleted: return "DELETED";
  }
  return "UNKNOWN";
}

const char* to_string(work_request_state s) noexcept {
  switch (s) {
    case work_request_state::accepted: return "ACCEPTED";
    case work_request_state::in_progress: return "IN_PROGRESS";
    case work_request_state::succeeded: return "SUCCEEDED";
    case work_request_state::failed: return "FAILED";
    case work_request_state::canceling: return "CANCELING";
    case work_request_state::canceled: return "CANCELED";
  }
  return "UNKNOWN";
}

const char* to_string(instance_state s) noexcept {
  switch (s) {
    case instance_state::running: return "RUNNING";
    case instance_state::stopping: return "STOPPING";
    case instance_state::stopped: return "STOPPED";
    case instance_state::starting: return "STARTING";
    case instance_state::creating_image: return "CREATING_IMAGE";
    case instance_state::terminating: return "TERMINATING";
    case instance_state::terminated: return "TERMINATED";
  }
  return "UNKNOWN";
}

const char* instance_state_names() noexcept {
  return "RUNNING, STOPPING, STOPPED, STARTING, CREATING_IMAGE, TERMINATING, TERMINATED";
}

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
}  // namespace

std::optional<image_state> parse_image_state(std::string_view s) noexcept {
  for (auto v : {image_state::provisioning, image_state::importing, image_state::available, image_state::exporting,
                 image_state::disabled, image_state::deleted})
    if (iequals(s, to_string(v))) return v;
  return std::nullopt;
}

std::optional<work_request_state> parse_work_request_state(std::string_view s) noexcept {
  for (auto v : {work_request_state::accepted, work_request_state::in_progress, work_request_state::succeeded,
                 work_request_state::failed, work_request_state::canceling, work_request_state::canceled})
    if (iequals(s, to_string(v))) return v;
  return std::nullopt;
}

std::optional<instance_state> parse_instance_state(std::string_view s) noexcept {
  for (auto v : {instance_state::running, instance_state::stopping, instance_state::stopped, instance_state::starting,
                 instance_state::creating_image, instance_state::terminating, instance_state::terminated})
    if (iequals(s, to_string(v))) return v;
  return std::nullopt;
}

}  // namespace ocifake::detail
