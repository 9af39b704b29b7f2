import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
function b32(s){const a='ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';let bits='';for(const c of s.replace(/=+$/,'').toUpperCase()){bits+=a.indexOf(c).toString(2).padStart(5,'0');}const out=[];for(let i=0;i+8<=bits.length;i+=8)out.push(parseInt(bits.slice(i,i+8),2));return Buffer.from(out);}
function totp(secret, ms){const step=Math.floor(ms/1000/30);const b=Buffer.alloc(8);b.writeBigUInt64BE(BigInt(step));const h=crypto.createHmac('sha1',b32(secret)).update(b).digest();const o=h[h.length-1]&15;const n=((h.readUInt32BE(o)&0x7fffffff)%1000000);return String(n).padStart(6,'0');}
globalThis.secret=process.env.SECRET;
const link='http://127.0.0.1:18191/staff/enrol/uzKI4v3sYP70Pg9uFjmmQFEJFPXQMCncpnU-HPtzTgA';
const browser=await chromium.launch({executablePath:'/usr/bin/chromium',args:['--headless','--no-sandbox','--disable-gpu']});
for (const [w,h] of [[390,844],[1280,900]]) {
  const ctx=await browser.newContext({locale:'ru-RU',viewport:{width:w,height:h}});
  const p=await ctx.newPage();
  if (w===390) {
    await p.goto(link); await p.screenshot({path:'/tmp/shots/enrol1-'+w+'.png',fullPage:true});
    await p.fill('#password','Boss-Pass-2026!'); await p.click('button[type=submit]');
    await p.screenshot({path:'/tmp/shots/enrol2-'+w+'.png',fullPage:true});
    const secret=(await p.textContent('[data-testid=totp-secret]')).trim();
    await p.fill('#totp', totp(secret, Date.now())); await p.click('form[data-testid=enrol-confirm] button');
    globalThis.secret=secret;
    await new Promise(r=>setTimeout(r, 31000));
  }
  await p.goto('http://127.0.0.1:18191/staff/login');
  await p.fill('#email','boss2@shop.example'); await p.fill('#password','Boss-Pass-2026!');
  await p.screenshot({path:'/tmp/shots/login-'+w+'.png',fullPage:true});
  await p.fill('#totp', totp(globalThis.secret, Date.now())); await p.click('form[data-testid=staff-login] button');
  await p.waitForURL('**/staff');
  for (const path of ['/staff','/staff/members','/staff/audit','/staff/certificates','/staff/card-applications','/staff/imports']) {
    await p.goto('http://127.0.0.1:18191'+path);
    await p.screenshot({path:'/tmp/shots/'+path.replaceAll('/','_')+'-'+w+'.png',fullPage:true});
    const sw=await p.evaluate(()=>document.documentElement.scrollWidth);
    console.log(path,w,'scrollWidth',sw);
  }
  if (w===390) await new Promise(r=>setTimeout(r, 31000));
  await ctx.close();
}
await browser.close();
