namespace Arm64Vm.Host.Images;

/// <summary>A guest image that cannot be loaded: the message names the file and what is wrong with it.</summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException(string file, string message) : base($"{file}: {message}") => FileName = file;
    public string FileName { get; }
}
