-- ARGV: prefix, task, escrow, the task's JSON up to its sequence, the JSON after it (from the comma on), the task's bytes, the limit of
-- qbytes, the most PENDING tasks, the nonce's key or '', now millis, the nonce's expiry millis.
-- Checks in this order: the escrow backs a task ({0, j, m} duplicate, {2, task} retired); the id is taken
-- ({-1, ''}); the nonce was used ({5, ''}); the bytes go over the limit ({3, qbytes}); the PENDING tasks are at the
-- bound ({4, pending}). Then records the nonce, takes the next sequence, stores the task, signals PENDING and
-- returns {1, sequence}: one round trip for the intake's writes.
local p, id = ARGV[1], ARGV[2]
local ek = p .. 'e:' .. ARGV[3]
local existing = redis.call('GET', ek)
if existing then
  local t = jsons(p, {existing})
  if t[1] then return {0, t[1], t[2]} end
  return {2, existing}
end
local tk = p .. 't:' .. id
if redis.call('EXISTS', tk) == 1 then return {-1, ''} end
local now = tonumber(ARGV[10])
local nk = ARGV[9]
if nk ~= '' then
  local e = redis.call('GET', nk)
  if e and tonumber(e) >= now then return {5, ''} end
end
local q = redis.call('GET', p .. 'qbytes') or '0'
if tonumber(q) + tonumber(ARGV[6]) > tonumber(ARGV[7]) then return {3, q} end
local pending = redis.call('ZCARD', p .. 's:PENDING')
if pending >= tonumber(ARGV[8]) then return {4, tostring(pending)} end
if nk ~= '' then
  local keep = tonumber(ARGV[11]) - now
  if keep < 1 then keep = 1 end
  redis.call('SET', nk, ARGV[11], 'PX', keep + 1000)
end
if ARGV[6] ~= '0' then redis.call('INCRBY', p .. 'qbytes', ARGV[6]) end
local seq = redis.call('INCR', p .. 'seq')
redis.call('SET', ek, id)
redis.call('HSET', tk, 'v', '0', 's', 'PENDING', 'n', '', 'q', seq, 'qb', ARGV[6], 'j', ARGV[4] .. seq .. ARGV[5])
redis.call('ZADD', p .. 's:PENDING', seq, id)
redis.call('ZADD', p .. 'all', seq, id)
signal(p, 'PENDING', id)
return {1, tostring(seq)}
