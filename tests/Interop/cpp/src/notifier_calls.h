// Notifier calls that several cases make, with the checks every case wants on their answers.
#pragma once

#include <string>

#include "broker_context.h"

namespace interop {

constexpr const char* kFromName = "cpp-interop";

// Send{msg_name: alias, text, from_name: kFromName}; the call must succeed.
notify::v1::SendReply SendText(Context& ctx, const std::string& alias, const std::string& text);

// The event is the alias message that SendText(alias, text) produced.
void CheckAliasMessage(const notify::v1::Event& event, const std::string& alias, const std::string& text);

// Two positions name the same place in history.
void CheckSamePosition(const notify::v1::Position& actual, const notify::v1::Position& expected,
                       const std::string& what);

// Registers an alias for the lifetime of the object (AddAlias, then DeleteAlias), so that Send reaches it
// while no stream holds it.
class AliasRegistration {
 public:
  AliasRegistration(Context& ctx, std::string name);
  ~AliasRegistration();  // best effort: a failed DeleteAlias must not hide the case's own result
  AliasRegistration(const AliasRegistration&) = delete;
  AliasRegistration& operator=(const AliasRegistration&) = delete;

 private:
  Context& ctx_;
  std::string name_;
};

}  // namespace interop
