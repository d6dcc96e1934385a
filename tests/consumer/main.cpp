// The consumer projects' program: it uses ocifake the way a test suite would, through the
// installed or added package only, and fails loudly if anything is missing at link or run time.
#include <cstdlib>
#include <iostream>
#include <string>

#include <ocifake/ocifake.hpp>

int main() {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 42});
  auto instance = fake.add_instance({.compartment_id = "ocid1.compartment.oc1..aaaaaaaaconsumer"});
  fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());
  fake.apply(ocifake::scenario::parse(R"({"name": "consumer", "lifecycle": {"provision": {"polls": 2}}})"));

  const std::string endpoint = fake.endpoint();
  if (endpoint.rfind("http://127.0.0.1:", 0) != 0 || instance.rfind("ocid1.instance.", 0) != 0) {
    std::cerr << "unexpected endpoint or instance id: " << endpoint << " " << instance << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "ocifake consumer: serving on " << endpoint << ", " << fake.faults().list().size() << " fault rule, "
            << ocifake::operation_names().size() << " operations\n"
            << ocifake::to_mermaid(fake.journal());
  return EXIT_SUCCESS;
}
