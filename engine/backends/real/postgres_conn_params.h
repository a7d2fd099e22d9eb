// How PostgresClient opens its connections: the user's conninfo, parsed once by libpq, plus
// what the client adds. The pool's connections get the call's statement_timeout; the admin
// connection (schema, TRUNCATE, final reads) none, and a bound on lock waits instead; both a
// connect_timeout if the conninfo gives none, and an application_name.
//
//   PostgresConnSettings s = postgres_conn_settings(options);  // throws on a bad conninfo
//   s.pool.seal();   // where it stays: seal() points into its strings
//   PQconnectdbParams(s.pool.key_ptrs.data(), s.pool.value_ptrs.data(), 0);
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backends/real/postgres_client.h"

namespace likesim::real {

// Keyword/value pairs for PQconnectdbParams.
struct ConnParams {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::vector<const char*> key_ptrs;
  std::vector<const char*> value_ptrs;

  void set(const std::string& k, const std::string& v) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == k) {
        values[i] = v;
        return;
      }
    }
    keys.push_back(k);
    values.push_back(v);
  }
  const std::string* get(std::string_view k) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == k) return &values[i];
    }
    return nullptr;
  }
  void seal() {
    key_ptrs.clear();
    value_ptrs.clear();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      key_ptrs.push_back(keys[i].c_str());
      value_ptrs.push_back(values[i].c_str());
    }
    key_ptrs.push_back(nullptr);
    value_ptrs.push_back(nullptr);
  }
};

struct PostgresConnSettings {
  ConnParams pool;   // the pool's connections
  ConnParams admin;  // the blocking setup connection
  std::string name;  // "postgres HOST:PORT/DB", for messages
  std::chrono::seconds connect_timeout{0};
};

// Throws BackendError when libpq cannot parse the conninfo.
PostgresConnSettings postgres_conn_settings(const PostgresOptions& options);

// libpq's messages span lines ("connection to server at ... failed: ...\n\tIs the server
// running..."); a BackendError is one line: the part after "failed: ", whitespace collapsed.
std::string libpq_message(std::string_view msg);

}  // namespace likesim::real
