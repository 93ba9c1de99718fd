-- ARGV: key, now millis, expires-at millis. Returns 1 when taken, 0 while a stored expiry is not before now.
local e = redis.call('GET', ARGV[1])
local now = tonumber(ARGV[2])
if e and tonumber(e) >= now then return 0 end
local keep = tonumber(ARGV[3]) - now
if keep < 1 then keep = 1 end
redis.call('SET', ARGV[1], ARGV[3], 'PX', keep + 1000)
return 1
