#pragma once
/// \file options.hpp
/// How a server is started: `ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 42});`

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <ocifake/clock.hpp>

namespace ocifake {

/// Which Oracle cloud a server fakes: `oci`, the public cloud (the public OCI SDKs' enums and
/// fields), or `pca`, Private Cloud Appliance 3.0 (the CreateImage reference: VDPA, NVME,
/// `shouldIncludeDataVolumes`, `imageVolumeDetails`). docs/behaviour.md lists the differences.
enum class dialect { oci, pca };

/// A public key requests may be signed with, when signatures are verified.
struct public_key {
  /// The `keyId` it is registered under (`<tenancy>/<user>/<fingerprint>`); empty: any keyId.
  std::string key_id{};
  /// The RSA public key, PEM text (`-----BEGIN PUBLIC KEY-----` ...).
  std::string pem{};
};

/// Options for `ocifake::server`. A plain aggregate: set what you need by name.
struct server_options {
  /// The cloud faked: public OCI by default. A scenario's `"dialect"` changes it.
  ocifake::dialect dialect = ocifake::dialect::oci;
  /// `real` follows the system clock; `manual` stands still until `clock().advance()`.
  clock_mode clock = clock_mode::real;
  /// Start with the catalogue of platform images the dialect's cloud lists (Oracle Linux, Ubuntu,
  /// Windows; docs/behaviour.md), in every compartment's ListImages. `false`: none. A scenario's
  /// `"platformImages"` replaces it; `reset()` returns to it.
  bool platform_images = true;
  /// Seeds OCIDs, etags and probabilistic faults; the same seed and requests give the same
  /// answers. Without one, a random seed is drawn.
  std::optional<std::uint64_t> seed{};
  /// The region key in generated OCIDs: `ocid1.image.oc1.<region>.<unique>`.
  std::string region = "phx";
  /// Address to listen on. Anything but a loopback address needs `allow_remote`.
  std::string host = "127.0.0.1";
  /// Port to listen on; 0 picks a free ephemeral port (see `server::endpoint()`).
  std::uint16_t port = 0;
  /// Allow a non-loopback `host`.
  bool allow_remote = false;
  /// Most requests served at once. A `hang` fault holds one worker until it ends, so this bounds
  /// how many hung requests can coexist with normal traffic (one worker per open connection).
  std::size_t max_workers = 128;
  /// Check each OCI request's signature (draft-cavage RSA-SHA256, as the OCI SDKs sign) against
  /// `public_keys`; failures answer 401 NotAuthenticated. Admin calls are never checked.
  bool verify_signatures = false;
  /// Keys for `verify_signatures`.
  std::vector<public_key> public_keys{};
  /// When the admin API is reachable beyond loopback, the bearer token it requires; empty: none.
  std::string admin_token{};
  /// Most journal entries kept; older ones are dropped first (their `seq` numbers stay unique).
  std::size_t journal_limit = 100000;
};

}  // namespace ocifake
