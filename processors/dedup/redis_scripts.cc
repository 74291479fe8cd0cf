#include "processors/dedup/redis_scripts.h"

namespace newsflow::redis_scripts {
namespace {

// Shared by lookup and claim (Redis scripts cannot call each other).
const std::string prelude = R"lua(
local base, nbb, nkb = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local walk, bands, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local cutoff, entry, arrival, max_entries = tonumber(ARGV[7]), ARGV[8], ARGV[9], tonumber(ARGV[10])
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

local function live(ref)
  if not ref then return false end
  local s = redis.call('ZSCORE', z, ref)
  if not s or tonumber(s) < cutoff then return false end
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

-- Remembers `entry`; returns its ref and how many of the oldest the cap pushed out.
local function remember()
  local ref = tostring(redis.call('INCR', KEYS[1]))
  redis.call('SET', base .. 'e:' .. ref, entry, 'PX', ttl)
  redis.call('ZADD', z, arrival, ref)
  local h, f = key_slot('b:', string.sub(entry, 1, 8))
  local first = redis.call('HGET', h, f)
  if not first or not redis.call('ZSCORE', z, first) then
    redis.call('HSET', h, f, ref)  -- the earliest live copy stays the target
    redis.call('PEXPIRE', h, ttl)
  end
  if string.sub(entry, 9, 16) ~= no_url then
    h, f = key_slot('u:', string.sub(entry, 9, 16))
    redis.call('HSET', h, f, ref)  -- the latest page at a URL
    redis.call('PEXPIRE', h, ttl)
  end
  for i = 0, bands - 1 do
    h, f = band_slot(i, band_key(entry, i))
    local list = redis.call('HGET', h, f)
    local kept = {ref}
    if list then
      for r in string.gmatch(list, '%d+') do
        if #kept >= walk then break end
        if redis.call('ZSCORE', z, r) then kept[#kept + 1] = r end
      end
    end
    redis.call('HSET', h, f, table.concat(kept, ' '))
    redis.call('PEXPIRE', h, ttl)
  end
  local forgotten = 0
  local over = redis.call('ZCARD', z) - max_entries
  if over > 0 then
    local gone = redis.call('ZPOPMIN', z, over)
    for j = 1, #gone, 2 do forget(gone[j]) end
    forgotten = over
  end
  redis.call('PEXPIRE', z, ttl)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return ref, forgotten
end
)lua";

}  // namespace

const std::string lookup = prelude + R"lua(
local forgotten = expire()
local horizon = tonumber(redis.call('GET', KEYS[1]) or '0')
local out = {horizon, false, 0, 0, false, false, false, false}
local found = false
local h, f = key_slot('b:', string.sub(entry, 1, 8))
local ref = redis.call('HGET', h, f)
local e = live(ref)
if e then out[5], out[6], found = ref, e, true end
if string.sub(entry, 9, 16) ~= no_url then
  h, f = key_slot('u:', string.sub(entry, 9, 16))
  ref = redis.call('HGET', h, f)
  e = live(ref)
  if e then out[7], out[8], found = ref, e, true end
end
-- Candidates share at least two bands, looking at the newest `walk` entries of each.
local count, hits = {}, {}
for i = 0, bands - 1 do
  h, f = band_slot(i, band_key(entry, i))
  local list = redis.call('HGET', h, f)
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
table.sort(hits, function(a, b) return tonumber(a) < tonumber(b) end)
for _, r in ipairs(hits) do
  e = live(r)
  if e then
    out[#out + 1] = r
    out[#out + 1] = e
    found = true
  end
end
if not found and ARGV[11] == '1' then
  local claimed, capped = remember()
  out[2] = claimed
  forgotten = forgotten + capped
end
out[3] = redis.call('ZCARD', z)
out[4] = forgotten
return out
)lua";

const std::string claim = prelude + R"lua(
local horizon = tonumber(ARGV[11])
local function newer(ref)
  return ref and tonumber(ref) > horizon and redis.call('ZSCORE', z, ref) ~= false
end
local h, f = key_slot('b:', string.sub(entry, 1, 8))
if newer(redis.call('HGET', h, f)) then return {false} end
if string.sub(entry, 9, 16) ~= no_url then
  h, f = key_slot('u:', string.sub(entry, 9, 16))
  if newer(redis.call('HGET', h, f)) then return {false} end
end
local count = {}
for i = 0, bands - 1 do
  h, f = band_slot(i, band_key(entry, i))
  local list = redis.call('HGET', h, f)
  if list then
    local n = 0
    for r in string.gmatch(list, '%d+') do
      n = n + 1
      if n > walk then break end
      if newer(r) then
        count[r] = (count[r] or 0) + 1
        if count[r] == 2 then return {false} end
      end
    end
  end
end
local ref, forgotten = remember()
return {ref, redis.call('ZCARD', z), forgotten}
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
