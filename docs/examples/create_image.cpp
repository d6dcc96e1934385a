// Starts a fake, creates an image from an instance over plain HTTP, follows it to AVAILABLE and
// prints what the fake answered. Run: ./build/docs/examples/example_create_image
#include <iostream>

#include <httplib.h>

#include <ocifake/ocifake.hpp>

int main() {
  ocifake::server fake;
  const std::string compartment = "ocid1.compartment.oc1..aaaaaaaaexample";
  auto instance = fake.add_instance({.compartment_id = compartment, .display_name = "web-1"});
  std::cout << "fake OCI endpoint: " << fake.endpoint() << "\n";

  httplib::Client client(fake.endpoint());
  auto created = client.Post("/20160918/images",
                             R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance +
                                 R"(", "displayName": "web-1-image"})",
                             "application/json");
  if (!created) {
    std::cerr << "request failed: " << httplib::to_string(created.error()) << "\n";
    return 1;
  }
  std::cout << "CreateImage -> " << created->status << "\n"
            << "  opc-work-request-id: " << created->get_header_value("opc-work-request-id") << "\n"
            << "  " << created->body << "\n";

  // The default progression shows PROVISIONING to one GetImage, then AVAILABLE.
  auto images = fake.images();
  for (int poll = 1; poll <= 2; ++poll) {
    auto got = client.Get("/20160918/images/" + images.at(0).id);
    std::cout << "GetImage #" << poll << " -> " << got->status << "  " << got->body << "\n";
  }
  return fake.images().at(0).lifecycle_state == "AVAILABLE" ? 0 : 1;
}
