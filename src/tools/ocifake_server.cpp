// ocifake-server: the fake as a standalone program (docs/scenarios.md, docs/admin-api.md).
#include <csignal>
#include <cstdio>
#include <iostream>

#include <ocifake/ocifake.hpp>

int main() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ocifake::server fake;
  std::cout << "ocifake-server listening on " << fake.endpoint() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  fake.stop();
  return 0;
}
