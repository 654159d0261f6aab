// The App in a process of its own (the sources through tsx), for
// test/app/app-stop.test.ts. It starts against the GitHub and Coder URLs in
// argv[2], sends its URL to the parent, and stops when the parent says so.
// Then it has nothing left to do: if the process does not end on its own,
// the App's stop() left something running. While it lingers it prints, every
// 2 s, what Node still waits for (process.getActiveResourcesInfo()).
//   argv[2]: JSON { githubUrl, coderUrl, botLogin }
import { register } from 'tsx/esm/api';

register();
const { appSettings, startTestApp } = await import('../app/harness.ts');

const { githubUrl, coderUrl, botLogin } = JSON.parse(process.argv[2]);
const running = await startTestApp(appSettings({ url: coderUrl }, { url: githubUrl }), { botLogin });
process.send({ url: running.app.url });
process.once('message', async () => {
  await running.stop();
  process.send('stopped', () => process.disconnect());
  setInterval(() => console.log(`still waiting for: ${process.getActiveResourcesInfo().join(', ')}`), 2000).unref();
});
