/**
 * Small built-in lists for the passphrase check: passwords that top every
 * leaked-password list (lower case, as they would be tried first), and
 * keyboard rows for spotting walks like "qwerty" or "1qaz2wsx".
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password', 'passw0rd', 'passwort', 'motdepasse', 'contraseña', 'contrasena', 'senha', 'parola', 'wachtwoord',
  'admin', 'administrator', 'root', 'toor', 'guest', 'user', 'login', 'welcome', 'letmein', 'changeme', 'default',
  'secret', 'private', 'master', 'access', 'trustno1', 'iloveyou', 'loveyou', 'love', 'sunshine', 'princess',
  'dragon', 'monkey', 'football', 'baseball', 'basketball', 'soccer', 'hockey', 'superman', 'batman', 'spiderman',
  'starwars', 'pokemon', 'minecraft', 'fortnite', 'shadow', 'michael', 'jennifer', 'jordan', 'hunter', 'thomas',
  'charlie', 'daniel', 'jessica', 'ashley', 'andrew', 'matthew', 'joshua', 'robert', 'william', 'nicole',
  'master', 'killer', 'freedom', 'whatever', 'qwerty', 'qwertz', 'azerty', 'asdf', 'zxcvbnm', 'abc', 'abcdef',
  'chocolate', 'cookie', 'cheese', 'pepper', 'ginger', 'summer', 'winter', 'spring', 'autumn', 'flower',
  'computer', 'internet', 'samsung', 'apple', 'google', 'facebook', 'linkedin', 'mustang', 'ferrari', 'harley',
  'liverpool', 'arsenal', 'chelsea', 'barcelona', 'yankees', 'cowboys', 'lakers', 'tigger', 'pussy', 'fuckyou',
  'hello', 'helloworld', 'hello world', 'test', 'testing', 'demo', 'sample', 'example', 'nothing', 'blahblah',
  'mypassword', 'mypass', 'mysecret', 'newpassword', 'oldpassword', 'password1', 'passphrase', 'mypassphrase',
  'correct horse battery staple', 'correcthorsebatterystaple', 'opensesame', 'open sesame', 'letmeinnow',
  'iloveyouso', 'babygirl', 'lovely', 'angel', 'butterfly', 'purple', 'orange', 'banana', 'bailey', 'buster',
  'ginger', 'maggie', 'zaq12wsx', 'q1w2e3r4', 'q1w2e3r4t5', '1q2w3e4r', '1q2w3e4r5t', 'a1b2c3d4', 'aa123456',
  'qwe123', 'qweasd', 'qweasdzxc', 'asdasd', 'zxczxc', 'abc123', 'abcd1234', 'pass1234', 'admin123', 'cairn',
  'cairnvault', 'myvault', 'vault', 'ipfs', 'bitcoin', 'ethereum', 'crypto', 'blockchain', 'wallet'
])

/** Rows and columns of common keyboard layouts (QWERTY, QWERTZ, AZERTY), left to right / top to bottom. */
export const KEYBOARD_ROWS: readonly string[] = [
  '`1234567890-=', 'qwertyuiop[]', 'asdfghjkl;\'', 'zxcvbnm,./',
  'qwertzuiop', 'yxcvbnm', 'azertyuiop', 'qsdfghjklm', 'wxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', 'qazwsxedcrfvtgbyhnujmikolp', 'zaq1xsw2cde3vfr4bgt5nhy6mju7'
]
