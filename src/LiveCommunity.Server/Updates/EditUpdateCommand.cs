using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// A correction of a live update by the newsroom (any journalist, moderator or admin: corrections are the desk's,
/// not only the author's): new text, key-event or pinned flag. Any change sets editedAt and is one UpdateEdited;
/// a PATCH that changes nothing answers the update as it is, with no event.
/// </summary>
internal sealed class EditUpdateCommand(Caller caller, string topicId, string updateId, string? body, string? html, bool? keyEvent, bool? pinned)
    : WriteCommand<Update>
{
    public override string TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Update>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (await UpdateRows.FindAsync(write, updateId, ct) is not { } update || write.Topic is not { } topic)
        {
            return UpdateService.UpdateNotFound;
        }
        var changed = (body is not null && body != update.Body)
                      || (keyEvent is { } k && k != update.KeyEvent)
                      || (pinned is { } p && p != update.Pinned);
        if (!changed)
        {
            return update.AsUpdate();
        }
        (update.Body, update.Html) = body is not null ? (body, html!) : (update.Body, update.Html);
        update.KeyEvent = keyEvent ?? update.KeyEvent;
        update.Pinned = pinned ?? update.Pinned;
        update.EditedAt = write.Now;
        var wire = update.AsUpdate();
        write.Append(seq => new UpdateEditedEvent(topic.Id, seq, wire));
        return wire;
    }
}
