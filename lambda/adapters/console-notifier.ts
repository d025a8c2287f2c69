// Local alerts: one line per alert on a stream (stderr by default), for a CI log or a terminal.

import type { Alert } from '../core/plan/alerts.ts';
import type { Notifier } from '../core/gate/ports.ts';

export class ConsoleNotifier implements Notifier {
  public readonly sent: Alert[] = [];

  public constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}

  public async notify(alert: Alert): Promise<void> {
    this.sent.push(alert);
    this.stream.write(`ALERT ${alert.type}: ${alert.subject}\n`);
  }
}
