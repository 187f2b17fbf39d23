#pragma once

#include <stdexcept>

namespace initscope {

/// A problem with what the caller asked for: a bad argument, name or config value. The message is
/// written for the user and shown as it is; the command line maps it to exit code 2.
class InputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A data set that cannot be read (a missing or corrupt file): bad input too, whose message names
/// the file and what to install, complete without the config's name.
class DataError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace initscope
