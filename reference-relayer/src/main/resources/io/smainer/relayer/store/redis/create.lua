-- ARGV: prefix, task, escrow, JSON, sequence, the task's bytes, the limit of qbytes.
-- Returns {1, ''} created (and signalled PENDING), {0, JSON} duplicate, {2, task} retired, {3, qbytes} over the
-- limit, {-1, ''} id taken.
local p, id = ARGV[1], ARGV[2]
local ek = p .. 'e:' .. ARGV[3]
local existing = redis.call('GET', ek)
if existing then
  local j = redis.call('HGET', p .. 't:' .. existing, 'j')
  if j then return {0, j} end
  return {2, existing}
end
local tk = p .. 't:' .. id
if redis.call('EXISTS', tk) == 1 then return {-1, ''} end
local q = redis.call('GET', p .. 'qbytes') or '0'
if tonumber(q) + tonumber(ARGV[6]) > tonumber(ARGV[7]) then return {3, q} end
if ARGV[6] ~= '0' then redis.call('INCRBY', p .. 'qbytes', ARGV[6]) end
redis.call('SET', ek, id)
redis.call('HSET', tk, 'v', '0', 's', 'PENDING', 'n', '', 'q', ARGV[5], 'qb', ARGV[6], 'j', ARGV[4])
redis.call('ZADD', p .. 's:PENDING', ARGV[5], id)
redis.call('ZADD', p .. 'all', ARGV[5], id)
signal(p, 'PENDING', id)
return {1, ''}
