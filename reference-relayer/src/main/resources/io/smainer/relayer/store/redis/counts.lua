-- ARGV: prefix, then every status name. The final ones are counted in c:<STATUS>, the others are the index sizes.
local out = {}
for i = 2, #ARGV do
  local c = false
  if ARGV[i] == 'SETTLED' or ARGV[i] == 'FAILED' then c = redis.call('GET', ARGV[1] .. 'c:' .. ARGV[i]) end
  if c then out[#out + 1] = tonumber(c) else out[#out + 1] = redis.call('ZCARD', ARGV[1] .. 's:' .. ARGV[i]) end
end
return out
