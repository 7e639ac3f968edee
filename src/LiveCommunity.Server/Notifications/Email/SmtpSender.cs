using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>Sends email through the configured SMTP server (MailKit); one connection per mailer pass, opened on first use.</summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
    Task CloseAsync();
}

public sealed class SmtpSender(IOptions<EmailOptions> options) : IEmailSender, IDisposable
{
    private readonly SmtpClient _client = new();

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (!_client.IsConnected)
        {
            _client.Timeout = (int)smtp.Timeout.TotalMilliseconds;
            // Port 465 speaks TLS from the start; any other port must offer STARTTLS when TLS is asked for.
            var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await _client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await _client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
            }
        }
        await _client.SendAsync(message, ct);
    }

    public async Task CloseAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(quit: true);
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException)
            {
                // The server went away first: the messages already accepted are sent; nothing else to do.
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
