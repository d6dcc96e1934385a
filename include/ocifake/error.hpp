#pragma once
/// \file error.hpp
/// The exceptions ocifake throws at its C++ boundary. Inside the HTTP path nothing throws: every
/// client mistake is an OCI error response instead.

#include <stdexcept>
#include <string>

namespace ocifake {

/// Base of every exception ocifake throws; `what()` says what went wrong and what to do about it.
class error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The server could not bind or listen (address in use, not a loopback address without
/// `allow_remote`, no permission).
class bind_error : public error {
public:
  using error::error;
};

/// A scenario document, fault rule or other JSON input is invalid. `what()` names the source (file or "<string>"),
/// the JSON path of the mistake (`$.faults[2].action.type`) and what was expected there. A rule built with the
/// `fault` builder is told in C++ terms: the source is its `fault::on(...)` call, the path the call at fault.
class invalid_input : public error {
public:
  invalid_input(std::string source, std::string path, std::string expected)
      : error(source + ": " + path + ": " + expected),
        source_(std::move(source)),
        path_(std::move(path)),
        expected_(std::move(expected)) {}
  /// The file name, or "<string>" for text given directly.
  const std::string& source() const noexcept { return source_; }
  /// The JSON path of the mistake, `$` for the document itself.
  const std::string& path() const noexcept { return path_; }
  /// What was expected at that path, then the value refused and "did you mean" when one is close.
  const std::string& expected() const noexcept { return expected_; }

private:
  std::string source_;
  std::string path_;
  std::string expected_;
};

/// A C++ call named something that does not exist (an unknown image OCID, say) or is not allowed
/// in the current state.
class usage_error : public error {
public:
  using error::error;
};

}  // namespace ocifake
