#include "processors/dedup/redis_scripts.h"

namespace newsflow::redis_scripts {
namespace {

// The lookup script's helpers: keys, slots, forgetting, expiry, remembering.
const std::string prelude = R"lua(
local base, nbb, nkb = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local walk, bands, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local entry, arrival, max_entries = ARGV[8], ARGV[9], tonumber(ARGV[10])
local z = base .. 'z'
local no_url = '\0\0\0\0\0\0\0\0'

local function u32(s, p)
  local a, b, c, d = string.byte(s, p, p + 3)
  return a + b * 256 + c * 65536 + d * 16777216
end
-- Where band i's key (4 bytes), or a body/URL hash (8 bytes), is kept: bucket and field.
local function band_slot(i, k4)
  return base .. 'k:' .. ((u32(k4, 1) + i * 40503) % nbb), string.char(i) .. k4
end
local function key_slot(kind, k8)
  return base .. kind .. (u32(k8, 1) % nkb), k8
end
local function band_key(e, i) return string.sub(e, 17 + 4 * i, 20 + 4 * i) end
-- The article's own slots, worked out by the client (ARGV[11..]): the same as above.
local body_h, body_f, url_h, url_f = ARGV[11], string.sub(entry, 1, 8), ARGV[12], string.sub(entry, 9, 16)
local function own_band(i) return ARGV[13 + 2 * i], ARGV[14 + 2 * i] end

-- An index names live entries only: forget() takes an entry out of every index, and
-- expire() has forgotten what the window no longer holds before anything is read.
local function entry_of(ref)
  if not ref then return false end
  return redis.call('GET', base .. 'e:' .. ref)
end

-- Takes entry `ref` out of every index that names it (its entry says where).
local function forget(ref)
  local key = base .. 'e:' .. ref
  local e = redis.call('GET', key)
  redis.call('DEL', key)
  if not e then return end
  local h, f = key_slot('b:', string.sub(e, 1, 8))
  if redis.call('HGET', h, f) == ref then redis.call('HDEL', h, f) end
  if string.sub(e, 9, 16) ~= no_url then
    h, f = key_slot('u:', string.sub(e, 9, 16))
    if redis.call('HGET', h, f) == ref then redis.call('HDEL', h, f) end
  end
  for i = 0, bands - 1 do
    h, f = band_slot(i, band_key(e, i))
    local list = redis.call('HGET', h, f)
    if list then
      local kept = {}
      for r in string.gmatch(list, '%d+') do
        if r ~= ref then kept[#kept + 1] = r end
      end
      if #kept == 0 then redis.call('HDEL', h, f) else redis.call('HSET', h, f, table.concat(kept, ' ')) end
    end
  end
end

-- Forgets what arrived before the cutoff (a bounded number per call: the rest next time).
local function expire()
  local old = redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. ARGV[7], 'LIMIT', 0, 256)
  for _, ref in ipairs(old) do forget(ref) end
  if #old > 0 then redis.call('ZREM', z, unpack(old)) end
  return #old
end

-- Remembers `entry` (its body has no live entry); returns its ref, how many of the oldest
-- the cap pushed out and how many are live. `lists`: its band lists as just read.
local function remember(lists)
  local ref = tostring(redis.call('INCR', KEYS[1]))
  redis.call('SET', base .. 'e:' .. ref, entry, 'PX', ttl)
  redis.call('ZADD', z, arrival, ref)
  redis.call('HSET', body_h, body_f, ref)  -- later exact copies name this, the earliest
  if url_f ~= no_url then
    redis.call('HSET', url_h, url_f, ref)  -- the latest page at a URL
  end
  -- Band lists name live entries only (forget() takes entries out), newest first.
  for i = 0, bands - 1 do
    local h, f = own_band(i)
    local list = lists[i]
    if list then
      local cut = 0
      for _ = 1, walk - 1 do
        cut = string.find(list, ' ', cut + 1, true)
        if not cut then break end
      end
      redis.call('HSET', h, f, cut and (ref .. ' ' .. string.sub(list, 1, cut - 1)) or (ref .. ' ' .. list))
    else
      redis.call('HSET', h, f, ref)
    end
  end
  local forgotten = 0
  local live = redis.call('ZCARD', z)
  if live > max_entries then
    local gone = redis.call('ZPOPMIN', z, live - max_entries)
    for j = 1, #gone, 2 do forget(gone[j]) end
    forgotten = live - max_entries
    live = max_entries
  end
  if tonumber(ref) % 256 == 1 then  -- the backstop expiry, renewed now and then
    redis.call('PEXPIRE', z, ttl)
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
  return ref, forgotten, live
end
)lua";

}  // namespace

const std::string lookup = prelude + R"lua(
local forgotten = expire()
local out = {false, 0, 0, false, false, false, false}
local body = false
local body_ref = redis.call('HGET', body_h, body_f)
local e = entry_of(body_ref)
if e then out[4], out[5], body = body_ref, e, true end
if url_f ~= no_url then
  local ref = redis.call('HGET', url_h, url_f)
  e = entry_of(ref)
  if e then out[6], out[7] = ref, e end
end
-- Candidates share at least two bands, looking at the newest `walk` entries of each.
local count, hits, lists = {}, {}, {}
for i = 0, bands - 1 do
  local list = redis.call('HGET', own_band(i))
  lists[i] = list
  if list then
    local n = 0
    for r in string.gmatch(list, '%d+') do
      n = n + 1
      if n > walk then break end
      count[r] = (count[r] or 0) + 1
      if count[r] == 2 then hits[#hits + 1] = r end
    end
  end
end
if #hits > 0 then
  table.sort(hits, function(a, b) return tonumber(a) < tonumber(b) end)
  local keys = {}
  for j, r in ipairs(hits) do keys[j] = base .. 'e:' .. r end
  local entries = redis.call('MGET', unpack(keys))
  for j, r in ipairs(hits) do
    if entries[j] then
      out[#out + 1] = r
      out[#out + 1] = entries[j]
    end
  end
end
-- Not an exact copy: remembered now, as unique; the client sets its decision afterwards
-- if it is a near copy. So the first lookup of a story claims it, whichever instance runs it.
local live
if not body then
  local claimed, capped
  claimed, capped, live = remember(lists)
  out[1] = claimed
  forgotten = forgotten + capped
else
  live = redis.call('ZCARD', z)
end
out[2] = live
out[3] = forgotten
return out
)lua";

const std::string format = R"lua(
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return current
)lua";

}  // namespace newsflow::redis_scripts
