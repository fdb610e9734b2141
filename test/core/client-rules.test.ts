/** The client rules that need no server: redirect and display URLs, secret verification. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { newClientSecret, verifySecret } from '../../src/core/clients/client-service.js';
import { MAX_URI_LENGTH, redirectUriProblem, webUrlProblem } from '../../src/core/clients/uris.js';

test('redirect URIs: what is accepted', () => {
  for (const uri of [
    'https://app.example/cb',
    'https://app.example:8443/cb?tenant=a&x=%20',
    'HTTPS://APP.EXAMPLE/CB',
    'http://localhost/cb',
    'http://localhost:3000/cb',
    'http://127.0.0.1:49152/cb',
    'http://[::1]:8080/cb',
    'com.example.app:/oauth2redirect/provider',
    'com.example.app://callback',
    `https://app.example/${'a'.repeat(MAX_URI_LENGTH - 'https://app.example/'.length)}`,
  ]) {
    assert.equal(redirectUriProblem(uri), undefined, uri);
  }
});

test('redirect URIs: what is refused, and why', () => {
  const refused: Array<[string, RegExp]> = [
    ['', /printable/],
    ['cb', /absolute/],
    ['/cb', /absolute/],
    ['//app.example/cb', /absolute/],
    ['https:app.example/cb', /absolute/],
    ['https:/app.example/cb', /absolute/],
    ['https://app.example/cb#x', /fragment/],
    ['https://app.example/cb#', /fragment/],
    ['https://*.app.example/cb', /wildcard/],
    ['https://app.example/cb?x=*', /wildcard/],
    ['javascript:alert(1)', /scheme "javascript:"/],
    ['JavaScript://%0aalert(1)', /scheme "javascript:"/],
    ['data:text/html;base64,PHNjcmlwdD4=', /scheme "data:"/],
    ['file:///etc/passwd', /scheme "file:"/],
    ['vbscript:msgbox', /scheme "vbscript:"/],
    ['myapp:/cb', /scheme "myapp:"/],
    ['com.example.app:cb', /":\/"/],
    ['http://app.example/cb', /https/],
    ['http://localhost.app.example/cb', /https/],
    ['http://127.0.0.2/cb', /https/],
    ['http://[::2]/cb', /https/],
    ['https://user@app.example/cb', /user information/],
    ['https://user:secret@app.example/cb', /user information/],
    ['https://@app.example/cb', /user information/],
    ['com.example.app://user@host/cb', /user information/],
    [' https://app.example/cb', /printable/],
    ['https://app.example/c b', /printable/],
    ['https://app.example/cb\n', /printable/],
    ['https://app.example/ĉb', /printable/],
    ['https:\\\\app.example\\cb', /backslash/],
    ['https://[::1/cb', /absolute/],
    [`https://app.example/${'a'.repeat(MAX_URI_LENGTH)}`, /at most/],
  ];
  for (const [uri, why] of refused) {
    const problem = redirectUriProblem(uri);
    assert.ok(problem, `${JSON.stringify(uri)} is refused`);
    assert.match(problem, why, JSON.stringify(uri));
  }
});

test('display URLs: http(s) only, no userinfo', () => {
  assert.equal(webUrlProblem('https://app.example/logo.png'), undefined);
  assert.equal(webUrlProblem('http://app.example/tos'), undefined);
  for (const url of ['javascript:alert(1)', 'data:image/png;base64,AAAA', '/logo.png', 'https://u:p@app.example/', 'ftp://app.example/x', 'https:app.example']) {
    assert.ok(webUrlProblem(url), url);
  }
});

test('verifySecret compares hashes: the right secret only, never for a client without one', () => {
  const secret = newClientSecret();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newClientSecret(), secret);
  const secretHash = crypto.createHash('sha256').update(secret).digest('hex');
  assert.equal(verifySecret({ secretHash }, secret), true);
  assert.equal(verifySecret({ secretHash }, `${secret}x`), false);
  assert.equal(verifySecret({ secretHash }, ''), false);
  assert.equal(verifySecret({ secretHash }, secretHash), false, 'the hash is not the secret');
  assert.equal(verifySecret({ secretHash: null }, ''), false);
  assert.equal(verifySecret({ secretHash: null }, secret), false);
  assert.equal(verifySecret({ secretHash: 'not-hex' }, secret), false);
});
