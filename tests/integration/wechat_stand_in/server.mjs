// A local WeChat stand-in for chatshop's integration tests.
//
// wechaty-puppet-service's PuppetServer (plain-text gRPC, TLS disabled, on 127.0.0.1 only)
// serving a wechaty-puppet-mock PuppetMock whose Mocker plays the people and rooms below.
// The Python wechaty client connects to it exactly as it would to a puppet service provider.
//
// Usage: node server.mjs --token insecure_<uuid> [--port 0]
//
// Control protocol, one JSON object per line:
//   stdin  {"id": 1, "cmd": "say", "from": "alice", "to": "shop-bot" | "friends@chatroom",
//           "text": "...", "mentions": ["shop-bot"]}
//          {"id": 2, "cmd": "add", "room": "roses@chatroom", "members": ["shop-bot"], "by": "lily"}
//          {"id": 3, "cmd": "remove", "room": "...", "members": ["shop-bot"], "by": "lily"}
//          {"id": 4, "cmd": "topic", "room": "...", "topic": "...", "by": "lily"}
//   stdout {"event": "ready", "port": 50123}            once the gRPC server listens
//          {"event": "login", "contactId": "shop-bot"}   each time the bot logs in
//          {"event": "sent", "messageId": "...", "to": "<contact or room id>", "type": 7,
//           "text": "...", "file": {...FileBox JSON} | null}   whatever the bot says
//          {"reply": 1, "ok": true, "messageId": "..."} | {"reply": 1, "ok": false, "error": "..."}
// Logs go to stderr. The process exits when stdin closes (the test runner went away).
//
// Beyond the mock: a send returns the new message's id, a room the bot is not a member
// of refuses its messages, and a picture whose URL host ends in .invalid is refused
// ("cannot download"), as real services do.

import readline from 'node:readline'
import { parseArgs } from 'node:util'

import { grpc } from 'wechaty-grpc'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetServer } from 'wechaty-puppet-service'

const { values: args } = parseArgs({
  options: {
    token: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
})
if (!args.token) {
  process.stderr.write('server.mjs: --token is required\n')
  process.exit(2)
}

// The cast: the bot's own account, the shop owner, customers, and rooms. Room ids contain
// "@": that is how the mock (like WeChat) tells a room from a contact.
const BOT = { id: 'shop-bot', name: 'ShopBot' }
const PEOPLE = [
  { id: 'lily', name: 'Lily' },
  { id: 'alice', name: 'Alice' },
  { id: 'bob', name: 'Bob' },
  { id: 'carol', name: 'Carol' },
]
const ROOMS = [
  // The bot is already a member here; Lily owns it and Alice helps run it.
  {
    id: 'friends@chatroom',
    topic: "Lily's friends",
    memberIdList: ['shop-bot', 'lily', 'alice', 'bob'],
    ownerId: 'lily',
    adminIdList: ['alice'],
  },
  // The bot is invited into these by the tests.
  { id: 'roses@chatroom', topic: 'Rose lovers', memberIdList: ['lily', 'carol'] },
  { id: 'gone@chatroom', topic: 'Old group', memberIdList: ['shop-bot', 'lily'] },
]

const FILE_BOX_TYPE_URL = 2 // FileBoxType.Url of file-box 1.x

const write = (object) => process.stdout.write(JSON.stringify(object) + '\n')

/**
 * PuppetMock returns no message id from messageSendText / messageSendFile, but a client
 * asks for the payload of what it sent; return the id of the message the mocker creates.
 * A room that does not have the bot as a member refuses it, as WeChat does.
 */
class StandInPuppet extends PuppetMock {
  async messageSendText (conversationId, text, mentionIdList) {
    return this.capturingId(conversationId, () => super.messageSendText(conversationId, text, mentionIdList))
  }

  async messageSendFile (conversationId, file) {
    // A picture the service cannot download is refused, as a real one would: the test
    // uses the reserved .invalid top-level domain for that.
    const url = file.type === FILE_BOX_TYPE_URL ? file.toJSON().url : undefined
    if (url && new URL(url).hostname.endsWith('.invalid')) {
      throw new Error(`cannot download ${url}`)
    }
    return this.capturingId(conversationId, () => super.messageSendFile(conversationId, file))
  }

  async capturingId (conversationId, send) {
    if (conversationId.includes('@')) {
      const room = this.mocker.cacheRoomPayload.get(conversationId)
      if (room && !room.memberIdList.includes(this.currentUserId)) {
        throw new Error(`${this.currentUserId} is not a member of room ${conversationId}`)
      }
    }
    let messageId
    // The mocker emits the new message's event synchronously inside the send.
    const listener = (payload) => { messageId = messageId ?? payload.messageId }
    this.on('message', listener)
    try {
      await send()
    } finally {
      this.off('message', listener)
    }
    if (!messageId) {
      throw new Error('the mocker created no message')
    }
    return messageId
  }
}

const mocker = new mock.Mocker()
let created = false
let bot
// Runs on every puppet start: the Python client calls stop() then start() when it
// connects. Contacts and rooms are created once; the bot logs in every time.
mocker.use((m) => {
  if (!created) {
    created = true
    bot = m.createContact({ ...BOT })
    for (const person of PEOPLE) {
      m.createContact({ ...person })
    }
    for (const room of ROOMS) {
      m.createRoom({ ...room, memberIdList: [...room.memberIdList] })
    }
  }
  m.login(bot)
  write({ event: 'login', contactId: bot.id })
  return () => {}
})

const puppet = new StandInPuppet({ mocker })

// Everything the bot says, reported to the test.
puppet.on('message', ({ messageId }) => {
  const payload = mocker.cacheMessagePayload.get(messageId)
  if (!payload || payload.talkerId !== BOT.id) {
    return
  }
  write({
    event: 'sent',
    messageId,
    to: payload.roomId || payload.listenerId,
    type: payload.type,
    text: payload.text ?? '',
    file: mocker.cacheFileBoxPayload.get(messageId) ?? null,
  })
})

const contact = (id) => mocker.ContactMock.load(id)
const room = (id) => mocker.RoomMock.load(id)

function handle (command) {
  switch (command.cmd) {
    case 'say': {
      const target = command.to.includes('@') ? room(command.to) : contact(command.to)
      const mentions = (command.mentions ?? []).map(contact)
      let messageId
      const listener = (payload) => { messageId = messageId ?? payload.messageId }
      puppet.on('message', listener)
      try {
        contact(command.from).say(command.text, mentions).to(target)
      } finally {
        puppet.off('message', listener)
      }
      return { messageId }
    }
    case 'add':
      room(command.room).add(...command.members.map(contact)).by(contact(command.by))
      return {}
    case 'remove':
      room(command.room).remove(...command.members.map(contact)).by(contact(command.by))
      return {}
    case 'topic':
      room(command.room).topic(command.topic).by(contact(command.by))
      return {}
    default:
      throw new Error(`unknown command ${command.cmd}`)
  }
}

const server = new PuppetServer({
  endpoint: `127.0.0.1:${args.port}`,
  puppet,
  token: args.token,
  tls: { disable: true },
})

// PuppetServer.start() does not say which port it bound; wrap bindAsync to learn it.
const bindAsync = grpc.Server.prototype.bindAsync
let boundPort
grpc.Server.prototype.bindAsync = function (address, credentials, callback) {
  return bindAsync.call(this, address, credentials, (error, port) => {
    boundPort = port
    callback(error, port)
  })
}
await server.start()
write({ event: 'ready', port: boundPort })

const lines = readline.createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (!line.trim()) {
    return
  }
  let command
  try {
    command = JSON.parse(line)
    write({ reply: command.id, ok: true, ...handle(command) })
  } catch (error) {
    write({ reply: command?.id ?? null, ok: false, error: String(error?.message ?? error) })
  }
})
lines.on('close', async () => {
  await server.stop()
  await puppet.stop().catch(() => {})
  process.exit(0)
})
