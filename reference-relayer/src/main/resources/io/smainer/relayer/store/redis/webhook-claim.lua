-- ARGV: prefix, task, owner, now millis, lease millis. Returns the attempt claimed, 0 when not due or held, -1 when
-- finished or unknown. A claim whose lease ran out counts as an attempt made.
local k = ARGV[1] .. 'w:' .. ARGV[2]
local h = redis.call('HMGET', k, 'a', 'd', 'o', 'f')
if not h[1] or h[4] == '1' then return -1 end
local now = tonumber(ARGV[4])
if tonumber(h[2]) > now then return 0 end
local a = tonumber(h[1])
if h[3] ~= '' then a = a + 1 end
local held = now + tonumber(ARGV[5])
redis.call('HSET', k, 'a', tostring(a), 'd', tostring(held), 'o', ARGV[3])
redis.call('ZADD', ARGV[1] .. 'wq', held, ARGV[2])
return a
