-- ARGV: prefix, reason hash, evidence JSON, provider, disputed task id or ''. Keeps a piece of evidence and queues
-- the slash it proves in one step (SlashRecords.keepEvidence): ev:<hash> the JSON (set once), sp the initiations
-- (provider -> hash, one a provider), sd the disputed tasks (task -> hash, set once). A task disputed before writes
-- nothing and returns the first dispute's hash; else returns false (nil).
local p, hash, task = ARGV[1], ARGV[2], ARGV[5]
if task ~= '' then
  local before = redis.call('HGET', p .. 'sd', task)
  if before then return before end
  redis.call('HSET', p .. 'sd', task, hash)
end
redis.call('SET', p .. 'ev:' .. hash, ARGV[3], 'NX')
redis.call('HSETNX', p .. 'sp', ARGV[4], hash)
return false
