-- ARGV: prefix, escrow. Returns {qbytes, PENDING tasks, the escrow's task as j and m, or nothing more}: what the
-- intake reads before a request's signature is checked, in one round trip.
local p = ARGV[1]
local q = tonumber(redis.call('GET', p .. 'qbytes') or '0')
local pending = redis.call('ZCARD', p .. 's:PENDING')
local out = {q, pending}
local id = redis.call('GET', p .. 'e:' .. ARGV[2])
if id then
  for _, x in ipairs(jsons(p, {id})) do out[#out + 1] = x end
end
return out
