-- ARGV: prefix, node. Returns the tasks in flight on the node (j and m each).
return jsons(ARGV[1], redis.call('SMEMBERS', ARGV[1] .. 'n:' .. ARGV[2]))
