import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, rm, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isLeadEtlError } from '../../core/errors.js';
import { slackProbe, type SlackEndpoint, type SlackProbe } from '../../load/slack-probe.js';
import type { PipelineConfig } from '../pipeline-config.js';
import { fail, pass, skip, type CheckResult } from './check.js';

/** Below this much free space under archive.dir, a large day could not be archived. */
export const MIN_FREE_BYTES = 1024 ** 3;

const mib = (bytes: number) => `${Math.floor(bytes / 1024 ** 2)} MiB`;

/** archive.dir takes a file (or can be created), and its disk has room. */
export async function archiveChecks(config: PipelineConfig): Promise<CheckResult[]> {
  const dir = config.archive.dir;
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const results: CheckResult[] = [];
  const title = `archive ${dir} is writable`;
  try {
    if (existing === dir) {
      const probe = join(dir, `.lead-etl-doctor.${randomBytes(6).toString('hex')}`);
      await writeFile(probe, 'lead-etl doctor: a write check, removed at once\n');
      await rm(probe);
      results.push(pass('archive.writable', title, 'a temporary file was written and removed'));
    } else {
      await access(existing, constants.W_OK);
      results.push(pass('archive.writable', title, `it does not exist yet; the first run creates it under ${existing}`));
    }
  } catch (error) {
    results.push(fail('archive.writable', title, error, `give this user write access to ${existing}, or set archive.dir to a folder it may write`));
  }
  try {
    const disk = await statfs(existing);
    const free = Number(disk.bavail) * Number(disk.bsize);
    const text = `${mib(free)} free on the disk of ${existing}`;
    results.push(free < MIN_FREE_BYTES
      ? fail('archive.space', 'archive has room', text, `free space there, or move archive.dir: lead-etl wants at least ${mib(MIN_FREE_BYTES)} (a day of a million transactions is a few hundred MiB)`)
      : pass('archive.space', 'archive has room', text));
  } catch (error) {
    results.push(fail('archive.space', 'archive has room', error));
  }
  return results;
}

/** The bot token and Lead's channel, through Slack's Web API, when acknowledgements.slack is configured. */
export async function slackChecks(config: PipelineConfig, probeFor: (endpoint: SlackEndpoint) => SlackProbe = slackProbe, unreachable?: string): Promise<CheckResult[]> {
  const slack = config.acknowledgements.slack;
  if (!slack) {
    return [skip('slack', "Lead's Slack channel", 'not configured (acknowledgements.slack): Lead\'s answers are recorded by hand with `lead-etl ack`, and `lead-etl status` says what each date waits for')];
  }
  const probe = probeFor({ baseUrl: slack.baseUrl, token: slack.token });
  const results: CheckResult[] = [];
  try {
    const who = await probe.authTest();
    results.push(pass('slack.token', 'Slack accepts the bot token', `auth.test at ${slack.baseUrl}: ${who.user ?? 'a bot'} in ${who.team ?? 'the workspace'}`));
  } catch (error) {
    results.push(
      fail('slack.token', 'Slack accepts the bot token', error, unreachable && isLeadEtlError(error, 'LEAD_CHANNEL') && /did not answer/.test(error.message) ? unreachable : `check acknowledgements.slack.baseUrl and the token in acknowledgements.slack.tokenFile or LEAD_ETL_SLACK_BOT_TOKEN (a bot token, xoxb-..., with channels:history)`),
      skip('slack.channel', `Slack channel ${slack.channel} can be read`, 'not checked: auth.test failed'),
    );
    return results;
  }
  try {
    const channel = await probe.conversationInfo(slack.channel);
    results.push(channel.isMember === false
      ? fail('slack.channel', `Slack channel ${slack.channel} can be read`, `the bot is not a member of #${channel.name ?? slack.channel}`, `invite the bot to the channel (/invite in #${channel.name ?? slack.channel})`)
      : pass('slack.channel', `Slack channel ${slack.channel} can be read`, `conversations.info: #${channel.name ?? slack.channel}`));
  } catch (error) {
    results.push(fail('slack.channel', `Slack channel ${slack.channel} can be read`, error, 'set acknowledgements.slack.channel to the channel id Lead posts in (C..., not its name) and invite the bot to it'));
  }
  return results;
}
