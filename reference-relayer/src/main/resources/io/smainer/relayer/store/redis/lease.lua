-- ARGV: key, owner, now millis, ttl millis. Returns 1 when taken: free, expired or already the owner's.
local cur = redis.call('HMGET', ARGV[1], 'o', 'e')
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
if cur[1] and cur[1] ~= ARGV[2] and tonumber(cur[2]) >= now then return 0 end
redis.call('HSET', ARGV[1], 'o', ARGV[2], 'e', tostring(now + ttl))
redis.call('PEXPIRE', ARGV[1], ttl + 1000)
return 1
