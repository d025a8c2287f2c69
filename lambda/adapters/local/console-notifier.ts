// Local alerts: one line per alert on a stream (stderr by default), for a CI log or a terminal:
// `ALERT <type>: <subject>`, or with `severity`, `ALERT <type> (<severity>): <subject>`.

import type { Alert } from '../../core/plan/alerts.ts';
import type { Notifier } from '../../core/gate/ports.ts';

export interface ConsoleNotifierOptions {
  /**
   * Name each alert's severity in its line (`rollgate monitor`). The gate's lines stay as its CI contract has them.
   * @default false
   */
  readonly severity?: boolean;
}

export class ConsoleNotifier implements Notifier {
  public readonly sent: Alert[] = [];

  public constructor(
    private readonly stream: NodeJS.WritableStream = process.stderr,
    private readonly options: ConsoleNotifierOptions = {},
  ) {}

  public async notify(alert: Alert): Promise<void> {
    this.sent.push(alert);
    const severity = this.options.severity === true ? ` (${alert.message.severity})` : '';
    this.stream.write(`ALERT ${alert.type}${severity}: ${alert.subject}\n`);
  }
}
