#include "engine/backends/real/postgres_statements.h"

#include <charconv>
#include <cstring>

namespace likesim::real::pg {
namespace {

constexpr unsigned kInt8 = 20;
constexpr unsigned kInt4 = 23;

// Indexed by DbVerb, then the guard.
constexpr PreparedSql kStatements[] = {
    {"ls_insert_like",
     "INSERT INTO likes (post_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
     2,
     {kInt8, kInt8},
     true},
    {"ls_delete_like",
     "DELETE FROM likes WHERE post_id = $1 AND user_id = $2",
     2,
     {kInt8, kInt8},
     true},
    {"ls_like_exists",
     "SELECT EXISTS (SELECT 1 FROM likes WHERE post_id = $1 AND user_id = $2)",
     2,
     {kInt8, kInt8},
     false},
    {"ls_count_likes", "SELECT count(*) FROM likes WHERE post_id = $1", 1, {kInt8, 0}, false},
    {"ls_counter_add",
     "INSERT INTO like_counts AS c (post_id, n) VALUES ($1, $2) "
     "ON CONFLICT (post_id) DO UPDATE SET n = c.n + EXCLUDED.n RETURNING n",
     2,
     {kInt8, kInt8},
     false},
    {"ls_counter_read",
     "SELECT COALESCE((SELECT n FROM like_counts WHERE post_id = $1), 0)",
     1,
     {kInt8, 0},
     false},
    // The counter moves only when the like row was inserted (deleted): the upsert reads the
    // CTE's RETURNING rows, of which there is one or none.
    {"ls_insert_like_and_increment",
     "WITH ins AS (INSERT INTO likes (post_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING "
     "RETURNING post_id), "
     "upd AS (INSERT INTO like_counts AS c (post_id, n) SELECT post_id, 1 FROM ins "
     "ON CONFLICT (post_id) DO UPDATE SET n = c.n + 1) "
     "SELECT count(*) FROM ins",
     2,
     {kInt8, kInt8},
     false},
    {"ls_delete_like_and_decrement",
     "WITH del AS (DELETE FROM likes WHERE post_id = $1 AND user_id = $2 RETURNING post_id), "
     "upd AS (INSERT INTO like_counts AS c (post_id, n) SELECT post_id, -1 FROM del "
     "ON CONFLICT (post_id) DO UPDATE SET n = c.n - 1) "
     "SELECT count(*) FROM del",
     2,
     {kInt8, kInt8},
     false},
    // A partition without a row is at offset 0, as in the simulator.
    {"ls_advance_offset",
     "INSERT INTO consumer_offsets AS o (partition, next_offset) SELECT $1, $2 WHERE $2 > 0 "
     "ON CONFLICT (partition) DO UPDATE SET next_offset = EXCLUDED.next_offset "
     "WHERE o.next_offset < EXCLUDED.next_offset",
     2,
     {kInt4, kInt8},
     true},
    {"ls_guard_advance_offset", "SELECT likesim_advance_offset($1, $2)", 2, {kInt4, kInt8}, false},
};
static_assert(std::size(kStatements) == kDbVerbCount + 1);

constexpr SchemaObject kSchema[] = {
    {"table", "likes", "SELECT to_regclass('likes') IS NOT NULL"},
    {"table", "like_counts", "SELECT to_regclass('like_counts') IS NOT NULL"},
    {"table", "consumer_offsets", "SELECT to_regclass('consumer_offsets') IS NOT NULL"},
    {"function", "likesim_advance_offset",
     "SELECT to_regprocedure('likesim_advance_offset(integer,bigint)') IS NOT NULL"},
};

constexpr const char* kSchemaScript = R"sql(
CREATE TABLE IF NOT EXISTS likes (
  post_id bigint NOT NULL,
  user_id bigint NOT NULL,
  PRIMARY KEY (post_id, user_id));
CREATE TABLE IF NOT EXISTS like_counts (
  post_id bigint PRIMARY KEY,
  n bigint NOT NULL);
CREATE TABLE IF NOT EXISTS consumer_offsets (
  partition int PRIMARY KEY,
  next_offset bigint NOT NULL);
CREATE OR REPLACE FUNCTION likesim_advance_offset(p_partition int, p_next bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO consumer_offsets AS o (partition, next_offset)
  SELECT p_partition, p_next WHERE p_next > 0
  ON CONFLICT (partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
  WHERE o.next_offset < EXCLUDED.next_offset;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'partition % is already at or past offset %', p_partition, p_next
      USING ERRCODE = 'LS001';
  END IF;
  RETURN 1;
END
$$;
)sql";

char* format(char* buf, std::size_t size, std::int64_t v) {
  auto [end, ec] = std::to_chars(buf, buf + size - 1, v);
  (void)ec;  // 24 bytes hold any int64
  *end = '\0';
  return buf;
}

}  // namespace

const PreparedSql& prepared_sql(DbVerb verb) { return kStatements[static_cast<int>(verb)]; }
const PreparedSql& guard_sql() { return kStatements[kDbVerbCount]; }
std::span<const PreparedSql> all_prepared_sql() { return kStatements; }
std::span<const SchemaObject> schema_objects() { return kSchema; }
const char* schema_script() { return kSchemaScript; }
const char* truncate_script() { return "TRUNCATE likes, like_counts, consumer_offsets"; }

TextParams::TextParams(const DbStatement& s, const PreparedSql& sql) : count(sql.params) {
  values[0] = format(buf_[0], sizeof buf_[0], static_cast<std::int64_t>(s.post));
  if (count > 1) {
    const bool user = s.verb == DbVerb::insert_like || s.verb == DbVerb::delete_like ||
                      s.verb == DbVerb::like_exists ||
                      s.verb == DbVerb::insert_like_and_increment ||
                      s.verb == DbVerb::delete_like_and_decrement;
    values[1] = format(buf_[1], sizeof buf_[1], user ? static_cast<std::int64_t>(s.user) : s.arg);
  }
}

std::int64_t parse_value(const char* text) {
  if (text == nullptr || *text == '\0') return 0;
  if (text[0] == 't' && text[1] == '\0') return 1;
  if (text[0] == 'f' && text[1] == '\0') return 0;
  std::int64_t v = 0;
  std::from_chars(text, text + std::strlen(text), v);
  return v;
}

}  // namespace likesim::real::pg
