-- ARGV: prefix, status, exclusive lower sequence, max. Returns the tasks (j and m each), oldest first.
return jsons(ARGV[1], redis.call('ZRANGEBYSCORE', ARGV[1] .. 's:' .. ARGV[2], '(' .. ARGV[3], '+inf', 'LIMIT', 0,
    tonumber(ARGV[4])))
