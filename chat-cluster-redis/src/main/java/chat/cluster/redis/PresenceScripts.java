package chat.cluster.redis;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts behind {@link RedisPresence}, each one atomic step on its keys (all under one
 * prefix P):
 * <ul>
 *   <li>{@code P user:USER}: a hash of node id to that node's number of sessions of USER; gone
 *       when the user is offline everywhere;</li>
 *   <li>{@code P users-of:NODE}: a set of the users with sessions on NODE;</li>
 *   <li>{@code P alive:NODE}: NODE's heartbeat, expiring unless renewed;</li>
 *   <li>{@code P nodes}: the set of node ids, where reapers look for expired heartbeats.</li>
 * </ul>
 * The reaper and the resynchronisation build keys from the prefix inside the script, so these
 * need a single Redis (or a primary with replicas), not Redis Cluster.
 */
final class PresenceScripts {
  private PresenceScripts() {}

  /**
   * KEYS: user, users-of this node. ARGV: node id, user. Counts one more session; returns 1 if
   * the user had none on any node before.
   */
  static final Script SIGN_IN = new Script("""
      local before = 0
      for _, n in ipairs(redis.call('HVALS', KEYS[1])) do before = before + tonumber(n) end
      redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
      redis.call('SADD', KEYS[2], ARGV[2])
      if before == 0 then return 1 end
      return 0
      """, ScriptOutputType.INTEGER);

  /**
   * KEYS: user, users-of this node. ARGV: node id, user, "1" if that was this node's last
   * session of the user (the node's own count decides, so a count Redis lost is not taken
   * twice). Returns 1 if the user now has no session on any node.
   */
  static final Script SIGN_OUT = new Script("""
      if ARGV[3] ~= '1' then
        if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') > 1 then
          redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        end
        return 0
      end
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('SREM', KEYS[2], ARGV[2])
      if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
      return 0
      """, ScriptOutputType.INTEGER);

  /** KEYS: users. Returns, for each, 1 if it has a session on some node, else 0. */
  static final Script ONLINE_AMONG = new Script("""
      local online = {}
      for i, key in ipairs(KEYS) do online[i] = redis.call('EXISTS', key) end
      return online
      """, ScriptOutputType.MULTI);

  /**
   * KEYS: alive of this node, nodes. ARGV: node id, time to live in ms. Renews the heartbeat;
   * returns 0 if it had expired (or Redis lost it): the node's entries may be gone too.
   */
  static final Script HEARTBEAT = new Script("""
      local existed = redis.call('EXISTS', KEYS[1])
      redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
      redis.call('SADD', KEYS[2], ARGV[1])
      return existed
      """, ScriptOutputType.INTEGER);

  /**
   * KEYS: users-of this node, alive of this node, nodes. ARGV: node id, the prefix of user keys,
   * "1" to leave (drop the heartbeat and the node too), the number P of users whose last session
   * here closed while Redis was unreachable, those P users, then pairs of user and session count.
   * Makes Redis hold exactly those counts for this node; returns two lists: the users it dropped,
   * or of the P, who are offline everywhere (each once), and the users it counted in who were
   * offline everywhere until then (this node had been counted out while alive).
   */
  static final Script RESYNC = new Script("""
      local pending = tonumber(ARGV[4])
      local wanted = {}
      for i = 5 + pending, #ARGV, 2 do wanted[ARGV[i]] = ARGV[i + 1] end
      local gone, seen = {}, {}
      for _, user in ipairs(redis.call('SMEMBERS', KEYS[1])) do
        if wanted[user] == nil then
          local key = ARGV[2] .. user
          redis.call('HDEL', key, ARGV[1])
          redis.call('SREM', KEYS[1], user)
          if redis.call('EXISTS', key) == 0 then
            gone[#gone + 1] = user
            seen[user] = true
          end
        end
      end
      local back = {}
      for user, count in pairs(wanted) do
        if redis.call('EXISTS', ARGV[2] .. user) == 0 then back[#back + 1] = user end
        redis.call('HSET', ARGV[2] .. user, ARGV[1], count)
        redis.call('SADD', KEYS[1], user)
      end
      for i = 5, 4 + pending do
        local user = ARGV[i]
        if not seen[user] and wanted[user] == nil
            and redis.call('EXISTS', ARGV[2] .. user) == 0 then
          gone[#gone + 1] = user
          seen[user] = true
        end
      end
      if ARGV[3] == '1' then
        redis.call('DEL', KEYS[2])
        redis.call('SREM', KEYS[3], ARGV[1])
      end
      return {gone, back}
      """, ScriptOutputType.MULTI);

  /**
   * KEYS: nodes. ARGV: the prefix, this node's id. Removes every other node whose heartbeat
   * expired, with its sessions; returns the users who thereby went offline everywhere. One
   * script, so when several reapers find the same dead node, one of them gets its users.
   */
  static final Script REAP = new Script("""
      local gone = {}
      for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
        if node ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. 'alive:' .. node) == 0 then
          local usersOf = ARGV[1] .. 'users-of:' .. node
          for _, user in ipairs(redis.call('SMEMBERS', usersOf)) do
            local key = ARGV[1] .. 'user:' .. user
            if redis.call('HDEL', key, node) == 1 and redis.call('EXISTS', key) == 0 then
              gone[#gone + 1] = user
            end
          end
          redis.call('DEL', usersOf)
          redis.call('SREM', KEYS[1], node)
        end
      end
      return gone
      """, ScriptOutputType.MULTI);
}
