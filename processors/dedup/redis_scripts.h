#pragma once

#include <string>

namespace newsflow::redis_scripts {

// The Lua scripts of redis_dedup_store; each runs atomically inside Redis, so every
// decision an instance takes is against one consistent state, and the "first copy" claim
// cannot interleave with another instance's.
//
// Keys, all under one hash tag (base = "{key_prefix}:", so a Redis Cluster keeps them in one slot):
//   base.."seq"       entry numbers (INCR)
//   base.."z"         live entries by arrival (ordered set: member = entry number, score = ms)
//   base.."e:"..ref   one entry (binary, see redis_dedup_store.cc); expires after 2 windows
//   base.."b:"..n     body hash -> earliest live entry   } hashes bucketed by key, so
//   base.."u:"..n     URL hash -> latest entry           } that each stays small (listpack)
//   base.."k:"..n     band i, band key -> newest `walk` entries ("12 9 4")
//   base.."format"    the settings entries were made with
// Arguments common to the lookup and claim scripts (ARGV[1..6]): base, band buckets, key
// buckets, walk, bands, ttl ms. KEYS[1] is base.."seq" (routes the call in a cluster).

// ARGV[7] cutoff ms, ARGV[8] the article's entry (binary; its first bytes are the body,
// URL and band keys), ARGV[9] its arrival ms, ARGV[10] max entries, ARGV[11] "1": remember
// it at once when nothing at all matches (claims the first copy in the same round trip).
// Returns {horizon, claimed ref|false, live entries, forgotten, body ref, body entry, URL
// ref, URL entry, then candidate ref, entry pairs (sharing >= 2 bands)}; false where none.
extern const std::string lookup;

// ARGV[7] cutoff ms, ARGV[8] entry, ARGV[9] arrival ms, ARGV[10] max entries, ARGV[11]
// horizon (the lookup's). Remembers the entry unless an entry that this article's decision
// would have had to consider arrived after the horizon (another instance's copy of the same
// story): then {false} ("decide again"). Else {ref, live entries, forgotten}.
extern const std::string claim;

// KEYS[1] the format key, ARGV[1] this instance's format: sets it if absent; returns the
// format the prefix holds.
extern const std::string format;

}  // namespace newsflow::redis_scripts
