-- ARGV: prefix, task, owner, attempt, next due millis. Only the claim's holder moves it on.
local k = ARGV[1] .. 'w:' .. ARGV[2]
local h = redis.call('HMGET', k, 'a', 'o', 'f')
if not h[1] or h[3] == '1' or h[1] ~= ARGV[4] or h[2] ~= ARGV[3] then return 0 end
redis.call('HSET', k, 'a', tostring(tonumber(ARGV[4]) + 1), 'd', ARGV[5], 'o', '')
redis.call('ZADD', ARGV[1] .. 'wq', ARGV[5], ARGV[2])
return 1
