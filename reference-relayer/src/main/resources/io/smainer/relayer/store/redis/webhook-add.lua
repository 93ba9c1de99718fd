-- ARGV: prefix, task, due millis. Once per task. A finished task is kept (no expiry) while its webhook is pending.
local k = ARGV[1] .. 'w:' .. ARGV[2]
if redis.call('EXISTS', k) == 1 then return 0 end
redis.call('HSET', k, 'a', '1', 'd', ARGV[3], 'o', '', 'f', '0')
redis.call('ZADD', ARGV[1] .. 'wq', ARGV[3], ARGV[2])
local tk = ARGV[1] .. 't:' .. ARGV[2]
local t = redis.call('HMGET', tk, 's', 'e')
if t[1] == 'SETTLED' or t[1] == 'FAILED' then
  redis.call('PERSIST', tk)
  if t[1] == 'SETTLED' and t[2] then redis.call('PERSIST', ARGV[1] .. 'e:' .. t[2]) end
end
return 1
