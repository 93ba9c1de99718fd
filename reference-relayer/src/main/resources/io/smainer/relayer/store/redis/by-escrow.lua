-- ARGV: prefix, escrow. Returns the escrow's task as j and m, or nothing.
local id = redis.call('GET', ARGV[1] .. 'e:' .. ARGV[2])
if not id then return {} end
return jsons(ARGV[1], {id})
