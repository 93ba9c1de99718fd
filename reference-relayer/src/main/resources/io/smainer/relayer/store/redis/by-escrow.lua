-- ARGV: prefix, escrow. Returns the JSON of the task the escrow backs, or nil.
local id = redis.call('GET', ARGV[1] .. 'e:' .. ARGV[2])
if not id then return false end
return redis.call('HGET', ARGV[1] .. 't:' .. id, 'j')
