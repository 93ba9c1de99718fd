-- ARGV: prefix, task, owner, attempt, webhook retention millis, now millis, task retention millis, cap, most
-- finished bytes. Only the claim's holder finishes it. A finished task the webhook held goes back among the
-- finished, with its expiry and the bytes it was counted with.
local p, id = ARGV[1], ARGV[2]
local k = p .. 'w:' .. id
local h = redis.call('HMGET', k, 'a', 'o', 'f')
if not h[1] or h[3] == '1' or h[1] ~= ARGV[4] or h[2] ~= ARGV[3] then return 0 end
redis.call('HSET', k, 'o', '', 'f', '1')
redis.call('ZREM', p .. 'wq', id)
redis.call('PEXPIRE', k, tonumber(ARGV[5]))
local tk = p .. 't:' .. id
local t = redis.call('HMGET', tk, 's', 'e', 'fa', 'q', 'fb')
if t[3] then
  local now, ret, cap = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
  local fa = tonumber(t[3])
  local kind = t[1] == 'SETTLED' and 'S' or 'F'
  local member = string.format('%020d', tonumber(t[4])) .. '|' .. id .. '|' .. t[2] .. '|' .. kind .. '|' .. t[5]
  local left = fa + ret - now
  if left < 1 then left = 1 end
  redis.call('PEXPIRE', tk, left)
  if kind == 'S' then redis.call('PEXPIRE', p .. 'e:' .. t[2], left) end
  redis.call('ZADD', p .. 'fin', fa, member)
  prune(p, now, ret, cap, tonumber(ARGV[9]))
end
return 1
