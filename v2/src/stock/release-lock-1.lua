--[=[
  Releases a lock, only if the caller still owns it (after BullMQ's releaseLock-1.lua).

  KEYS[1] the lock, whose value is its owner's random token
  ARGV[1] the caller's token

  Returns 1 when the lock was released, 0 when it was not the caller's: it expired and another
  owner took it (deleting it would let a third one in beside that owner), or nobody holds it.
  GET and DEL in one script: no other command runs between the check and the delete.
]=]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
