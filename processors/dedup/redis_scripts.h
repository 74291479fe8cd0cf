#pragma once

#include <string>

namespace newsflow::redis_scripts {

// The Lua scripts of redis_dedup_store; each runs atomically inside Redis, so an article is
// looked up and claimed in one step that cannot interleave with another instance's.
//
// Keys, all under one hash tag (base = "{key_prefix}:", so a Redis Cluster keeps them in one slot):
//   base.."seq"       entry numbers (INCR)
//   base.."z"         live entries by arrival (ordered set: member = entry number, score = ms)
//   base.."e:"..ref   one entry (binary, see redis_dedup_store.cc)
//   base.."b:"..n     body hash -> earliest live entry   } hashes bucketed by key, so
//   base.."u:"..n     URL hash -> latest entry           } that each stays small (listpack)
//   base.."k:"..n     band i, band key -> newest `walk` entries ("12 9 4")
//   base.."format"    the settings entries were made with
// Forgetting an entry (window or max_entries, by the ordered set) takes it out of every
// index. As a backstop for a prefix no instance uses any more, entries expire two windows
// after they were written, and "seq" and "z" about two windows after the last entry.

// KEYS[1] base.."seq" (routes the call in a cluster). ARGV[1..6]: base, band buckets, key
// buckets, walk, bands, ttl ms; ARGV[7] cutoff ms, ARGV[8] the article's entry (binary; its
// first bytes are the body, URL and band keys), ARGV[9] its arrival ms, ARGV[10] max
// entries, ARGV[11] and [12] the body's and the URL's bucket keys, then each band's bucket
// key and field (the client works them out as the script does for other entries, see
// redis_dedup_store). Expires what the window forgot; finds the body match, the URL match and the band candidates (sharing >= 2 bands);
// unless the body matches, remembers the entry at once — the first lookup of a story claims
// it, atomically, whichever instance runs it (the client rewrites the entry with its
// decision if it turns out a near copy). Returns {claimed ref|false, live entries,
// forgotten, body ref, body entry, URL ref, URL entry, then candidate ref, entry pairs}.
extern const std::string lookup;

// KEYS[1] the format key, ARGV[1] this instance's format: sets it if absent; returns the
// format the prefix holds.
extern const std::string format;

}  // namespace newsflow::redis_scripts
