-- Shared by every script of RedisStore (RedisScripts puts it in front of each). Keys live under a prefix p:
-- t:<id> a task's hash, e:<escrow> the escrow's task id, s:<STATUS> and all tasks by sequence, n:<node> the
-- ids in flight on a node, fin the finished tasks by finishing time, ef the guarded escrows of dropped FAILED
-- tasks, w:<id> a task's webhook, qbytes and fbytes the byte sums, c:<STATUS> the final statuses' counts.

local PRUNE_BATCH = 64

-- A task is two JSON texts in its hash: j, the record as created (fixed), and m, what changed since (status,
-- node, attempts, completion...: written by each replace, absent until the first). Readers get both.

-- The j and m of each id's task, two entries a task (m false until the task first changed), skipping ids whose key
-- is gone (expired or dropped).
local function jsons(p, ids)
  local out = {}
  for _, id in ipairs(ids) do
    local t = redis.call('HMGET', p .. 't:' .. id, 'j', 'm')
    if t[1] then
      out[#out + 1] = t[1]
      out[#out + 1] = t[2] or false
    end
  end
  return out
end

-- Tells every relayer on this prefix that a task is now in a status (RedisStore's subscribers).
local function signal(p, status, id)
  redis.call('PUBLISH', p .. 'signals', status .. ' ' .. id)
end

-- Drops one fin member <sequence>|<task>|<escrow>|<S or F>|<bytes> (or parks it while its webhook is pending),
-- subtracting from fbytes the bytes the member records (what was added when it finished, also when the task's
-- key already expired).
local function drop(p, m, now, cap)
  redis.call('ZREM', p .. 'fin', m)
  local id, esc, kind, bytes = string.match(m, '^%d+|(.*)|(%d+)|([SF])|(%d+)$')
  if not id then return end
  local tk, wk = p .. 't:' .. id, p .. 'w:' .. id
  if redis.call('HGET', wk, 'f') == '0' then
    redis.call('PERSIST', tk)
    return
  end
  redis.call('DEL', tk, wk)
  if bytes ~= '0' then redis.call('DECRBY', p .. 'fbytes', bytes) end
  redis.call('ZREM', p .. (kind == 'S' and 's:SETTLED' or 's:FAILED'), id)
  redis.call('ZREM', p .. 'all', id)
  local ek = p .. 'e:' .. esc
  if kind == 'S' then
    if redis.call('GET', ek) == id then redis.call('DEL', ek) end
  else
    redis.call('ZADD', p .. 'ef', now, esc)
    local over = redis.call('ZCARD', p .. 'ef') - cap
    if over > 0 then
      for _, e in ipairs(redis.call('ZRANGE', p .. 'ef', 0, over - 1)) do redis.call('DEL', p .. 'e:' .. e) end
      redis.call('ZREMRANGEBYRANK', p .. 'ef', 0, over - 1)
    end
  end
end

-- Drops what fin holds that is too old, too many or too large, oldest first, at most PRUNE_BATCH of each; never
-- the last member for bytes.
local function prune(p, now, ret, cap, maxb)
  local fk = p .. 'fin'
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', fk, '-inf', now - ret, 'LIMIT', 0, PRUNE_BATCH)) do
    drop(p, m, now, cap)
  end
  local over = redis.call('ZCARD', fk) - cap
  if over > PRUNE_BATCH then over = PRUNE_BATCH end
  if over > 0 then
    for _, m in ipairs(redis.call('ZRANGE', fk, 0, over - 1)) do drop(p, m, now, cap) end
  end
  local n = 0
  while n < PRUNE_BATCH and tonumber(redis.call('GET', p .. 'fbytes') or '0') > maxb
      and redis.call('ZCARD', fk) > 1 do
    drop(p, redis.call('ZRANGE', fk, 0, 0)[1], now, cap)
    n = n + 1
  end
end
