using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Tests.Desktop.InMemory;

public class RegisteredMessageTests
{
    private readonly InMemoryDesktop _desktop = new();

    [Fact]
    public void Ids_are_in_the_registered_range_and_distinct_per_name()
    {
        var first = _desktop.RegisterWindowMessage("NotifyBroker.Test.A");
        var second = _desktop.RegisterWindowMessage("NotifyBroker.Test.B");

        Assert.InRange(first, 0xC000u, 0xFFFFu);
        Assert.InRange(second, 0xC000u, 0xFFFFu);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Names_match_case_insensitively_and_keep_their_first_spelling()
    {
        var id = _desktop.RegisterWindowMessage("TaskbarCreated");

        Assert.Equal(id, _desktop.RegisterWindowMessage("TASKBARCREATED"));
        Assert.Equal(id, _desktop.RegisterWindowMessage("taskbarcreated"));
        Assert.Equal("TaskbarCreated", _desktop.GetRegisteredMessageName(id));
    }

    [Fact]
    public void Ids_stay_the_same_for_the_desktops_lifetime()
    {
        var id = _desktop.RegisterWindowMessage("Stable");
        for (var i = 0; i < 100; i++)
        {
            _desktop.RegisterWindowMessage("Other" + i);
        }

        Assert.Equal(id, _desktop.RegisterWindowMessage("Stable"));
        Assert.Equal("Stable", _desktop.GetRegisteredMessageName(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_name_is_an_invalid_parameter(string? name)
    {
        var error = Assert.Throws<BrokerException>(() => _desktop.RegisterWindowMessage(name!));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Fact]
    public void A_name_longer_than_an_atom_is_an_invalid_parameter()
    {
        var error = Assert.Throws<BrokerException>(() => _desktop.RegisterWindowMessage(new string('x', 256)));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.InRange(_desktop.RegisterWindowMessage(new string('x', 255)), 0xC000u, 0xFFFFu);
    }

    [Fact]
    public void Ids_outside_the_range_or_never_registered_have_no_name()
    {
        Assert.Null(_desktop.GetRegisteredMessageName(WindowMessages.WM_SETTINGCHANGE));
        Assert.Null(_desktop.GetRegisteredMessageName(0xC123));
    }

    [Fact]
    public void The_table_runs_out_after_the_last_id()
    {
        for (var i = 0; i <= 0x3FFF; i++)
        {
            _desktop.RegisterWindowMessage("name" + i);
        }

        Assert.Equal(0xFFFFu, _desktop.RegisterWindowMessage("name" + 0x3FFF));
        var error = Assert.Throws<BrokerException>(() => _desktop.RegisterWindowMessage("one too many"));
        Assert.Equal(Win32Error.ERROR_NOT_ENOUGH_MEMORY, error.Code);
    }
}
