-- ARGV: prefix, what, provider, reason hash. Moves a slash between sp (to initiate) and sw (watched), provider ->
-- reason hash, each change conditional on the hash so that a newer entry is never dropped for an older one:
-- 'initiated' leaves sp (if it holds this hash) and joins sw; 'watch' joins sw; 'dropped' leaves sp; 'ended'
-- leaves sw.
local p, what, provider, hash = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if what == 'initiated' or what == 'dropped' then
  if redis.call('HGET', p .. 'sp', provider) == hash then redis.call('HDEL', p .. 'sp', provider) end
end
if what == 'initiated' or what == 'watch' then
  redis.call('HSET', p .. 'sw', provider, hash)
end
if what == 'ended' then
  if redis.call('HGET', p .. 'sw', provider) == hash then redis.call('HDEL', p .. 'sw', provider) end
end
return 1
