-- ARGV: prefix, task, version read, next version, next status, in-flight node or '', sequence, the next version's
-- changing fields as JSON (m; the record as created stays in j), then for a
-- final status: now millis, escrow ('' otherwise), then retention millis, cap, the next version's bytes, the most
-- finished bytes. Returns 1 when written, 0 when the stored version is not the one read.
-- The bytes the hash records as counted in qbytes (qb) are replaced by the next version's, or on finishing moved
-- to fbytes (and recorded in fb and in the fin member). A new status is signalled in the same step.
local p, id = ARGV[1], ARGV[2]
local tk = p .. 't:' .. id
local cur = redis.call('HMGET', tk, 'v', 's', 'n', 'qb')
if not cur[1] or cur[1] ~= ARGV[3] then return 0 end
redis.call('ZREM', p .. 's:' .. cur[2], id)
if cur[3] and cur[3] ~= '' then redis.call('SREM', p .. 'n:' .. cur[3], id) end
redis.call('HSET', tk, 'v', ARGV[4], 's', ARGV[5], 'n', ARGV[6], 'm', ARGV[8])
redis.call('ZADD', p .. 's:' .. ARGV[5], ARGV[7], id)
if ARGV[6] ~= '' then redis.call('SADD', p .. 'n:' .. ARGV[6], id) end
local ob, nb = tonumber(cur[4] or '0'), ARGV[13]
local final = ARGV[9] and ARGV[9] ~= ''
if final then
  if ob ~= 0 then redis.call('DECRBY', p .. 'qbytes', ob) end
  redis.call('HDEL', tk, 'qb')
  redis.call('HSET', tk, 'fb', nb)
  if nb ~= '0' then redis.call('INCRBY', p .. 'fbytes', nb) end
elseif tonumber(nb) ~= ob then
  redis.call('HSET', tk, 'qb', nb)
  redis.call('INCRBY', p .. 'qbytes', tonumber(nb) - ob)
end
if final then
  local now, esc, ret, cap = tonumber(ARGV[9]), ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12])
  local ck = p .. 'c:' .. ARGV[5]
  if redis.call('EXISTS', ck) == 0 then
    redis.call('SET', ck, redis.call('ZCARD', p .. 's:' .. ARGV[5]) - 1)
  end
  redis.call('INCR', ck)
  local kind = ARGV[5] == 'SETTLED' and 'S' or 'F'
  redis.call('HSET', tk, 'fa', ARGV[9], 'e', esc)
  redis.call('ZADD', p .. 'fin', now,
      string.format('%020d', tonumber(ARGV[7])) .. '|' .. id .. '|' .. esc .. '|' .. kind .. '|' .. nb)
  if redis.call('HGET', p .. 'w:' .. id, 'f') ~= '0' then
    redis.call('PEXPIRE', tk, ret)
    if kind == 'S' then redis.call('PEXPIRE', p .. 'e:' .. esc, ret) end
  end
  prune(p, now, ret, cap, tonumber(ARGV[14]))
end
if cur[2] ~= ARGV[5] then signal(p, ARGV[5], id) end
return 1
